import Typography from "@mui/material/Typography";
import { Link } from "react-router";

/** Unknown routes and other merchants' ids (the API answers 404 for both). */
export default function NotFoundPage() {
  return (
    <div data-testid="not-found">
      <Typography variant="h5" component="h1">
        Not found
      </Typography>
      <Typography sx={{ my: 1 }}>
        There is nothing here, or it belongs to another merchant.
      </Typography>
      <Link to="/">Back to home</Link>
    </div>
  );
}
