import { zodResolver } from "@hookform/resolvers/zod";
import Alert from "@mui/material/Alert";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import Paper from "@mui/material/Paper";
import TextField from "@mui/material/TextField";
import Typography from "@mui/material/Typography";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Navigate, useLocation, useNavigate } from "react-router";
import { z } from "zod";

import { ApiError } from "../api/errors";
import { useAuth } from "../auth/AuthProvider";

const schema = z.object({
  username: z.string().min(1, "Enter your username."),
  password: z.string().min(1, "Enter your password."),
});
type Values = z.infer<typeof schema>;

/** Username and password → JWT pair; a deep link (`?next=`) returns after login. */
export default function LoginPage() {
  const auth = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const next = new URLSearchParams(location.search).get("next") || "/";
  const [error, setError] = useState<string | null>(null);
  const { register, handleSubmit, formState } = useForm<Values>({ resolver: zodResolver(schema) });

  if (auth.tokens) return <Navigate to={next} replace />;

  const onSubmit = handleSubmit(async (values) => {
    setError(null);
    try {
      await auth.login(values.username, values.password);
      navigate(next, { replace: true });
    } catch (exc) {
      setError(exc instanceof ApiError ? exc.message : "The server could not be reached.");
    }
  });

  return (
    <Box component="main" sx={{ minHeight: "100vh", display: "grid", placeItems: "center", p: 2 }}>
      <Paper
        component="form"
        onSubmit={onSubmit}
        sx={{ p: 4, width: "100%", maxWidth: 400 }}
        noValidate
      >
        <Typography variant="h5" component="h1" gutterBottom>
          MCP Payments
        </Typography>
        <Typography color="text.secondary" sx={{ mb: 2 }}>
          Sign in to the dashboard
        </Typography>
        {error && (
          <Alert severity="error" sx={{ mb: 2 }} role="alert">
            {error}
          </Alert>
        )}
        <TextField
          label="Username"
          fullWidth
          margin="normal"
          autoComplete="username"
          autoFocus
          {...register("username")}
          error={Boolean(formState.errors.username)}
          helperText={formState.errors.username?.message}
        />
        <TextField
          label="Password"
          type="password"
          fullWidth
          margin="normal"
          autoComplete="current-password"
          {...register("password")}
          error={Boolean(formState.errors.password)}
          helperText={formState.errors.password?.message}
        />
        <Button
          type="submit"
          variant="contained"
          fullWidth
          size="large"
          sx={{ mt: 2, minHeight: 44 }}
          disabled={formState.isSubmitting}
        >
          Sign in
        </Button>
      </Paper>
    </Box>
  );
}
