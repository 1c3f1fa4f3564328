/**
 * The shell: an app bar, the navigation (a permanent drawer on desktop, a temporary one opened
 * from the app bar on phones ≤ 600 px), the page, and the assistant panel (a drawer on every page).
 */
import MenuIcon from "@mui/icons-material/Menu";
import SmartToyIcon from "@mui/icons-material/SmartToy";
import AppBar from "@mui/material/AppBar";
import Box from "@mui/material/Box";
import Button from "@mui/material/Button";
import CircularProgress from "@mui/material/CircularProgress";
import Drawer from "@mui/material/Drawer";
import IconButton from "@mui/material/IconButton";
import List from "@mui/material/List";
import ListItemButton from "@mui/material/ListItemButton";
import ListItemText from "@mui/material/ListItemText";
import ListSubheader from "@mui/material/ListSubheader";
import Toolbar from "@mui/material/Toolbar";
import Typography from "@mui/material/Typography";
import useMediaQuery from "@mui/material/useMediaQuery";
import { lazy, Suspense, useState } from "react";
import { NavLink, Outlet, useLocation } from "react-router";

import { useAuth } from "../auth/AuthProvider";
import { NAV, type NavItem } from "./nav";

const AssistantPanel = lazy(() => import("../assistant/AssistantPanel"));
const DRAWER_WIDTH = 232;

export const PHONE_QUERY = "(max-width:600px)";

export default function Layout() {
  const auth = useAuth();
  const phone = useMediaQuery(PHONE_QUERY);
  const [navOpen, setNavOpen] = useState(false);
  const [assistantOpen, setAssistantOpen] = useState(false);
  const location = useLocation();

  const visible = (item: NavItem) =>
    (!item.scope || auth.can(item.scope)) &&
    (!item.admin || auth.isAdmin) &&
    (!item.staff || auth.isStaff);

  const nav = (
    <Box component="nav" aria-label="Main">
      {NAV.map(({ section, items }) => {
        const shown = items.filter(visible);
        if (!shown.length) return null;
        return (
          <List
            key={section}
            dense
            component="div"
            subheader={<ListSubheader component="div">{section}</ListSubheader>}
          >
            {shown.map((item) => (
              <ListItemButton
                key={item.to}
                component={NavLink}
                to={item.to}
                end={item.to === "/"}
                selected={
                  item.to === "/"
                    ? location.pathname === "/"
                    : location.pathname.startsWith(item.to)
                }
                onClick={() => setNavOpen(false)}
                sx={{ minHeight: 44 }}
              >
                <ListItemText primary={item.label} />
              </ListItemButton>
            ))}
          </List>
        );
      })}
    </Box>
  );

  return (
    <Box sx={{ display: "flex", minHeight: "100vh" }}>
      <AppBar position="fixed" sx={{ zIndex: (theme) => theme.zIndex.drawer + 1 }}>
        <Toolbar>
          {phone && (
            <IconButton
              color="inherit"
              edge="start"
              aria-label="Open navigation"
              onClick={() => setNavOpen(true)}
              sx={{ mr: 1, width: 44, height: 44 }}
            >
              <MenuIcon />
            </IconButton>
          )}
          <Typography variant="h6" component="div" sx={{ flexGrow: 1 }} noWrap>
            MCP Payments
          </Typography>
          {!phone && auth.me && (
            <Typography variant="body2" sx={{ mr: 2 }} data-testid="whoami">
              {auth.me.username} · {auth.me.role ?? (auth.me.is_platform_staff ? "staff" : "")}
            </Typography>
          )}
          <IconButton
            color="inherit"
            aria-label="Open the assistant"
            onClick={() => setAssistantOpen(true)}
            sx={{ width: 44, height: 44 }}
          >
            <SmartToyIcon />
          </IconButton>
          <Button color="inherit" onClick={auth.logout} sx={{ minHeight: 44 }}>
            Sign out
          </Button>
        </Toolbar>
      </AppBar>
      {phone ? (
        <Drawer
          open={navOpen}
          onClose={() => setNavOpen(false)}
          slotProps={{ paper: { sx: { width: DRAWER_WIDTH } } }}
        >
          <Toolbar />
          {nav}
        </Drawer>
      ) : (
        <Drawer
          variant="permanent"
          sx={{
            width: DRAWER_WIDTH,
            flexShrink: 0,
            "& .MuiDrawer-paper": { width: DRAWER_WIDTH, boxSizing: "border-box" },
          }}
        >
          <Toolbar />
          {nav}
        </Drawer>
      )}
      <Box component="main" sx={{ flexGrow: 1, p: { xs: 1.5, sm: 3 }, minWidth: 0 }}>
        <Toolbar />
        <Suspense fallback={<CircularProgress aria-label="Loading" />}>
          <Outlet />
        </Suspense>
      </Box>
      {assistantOpen && (
        <Suspense fallback={null}>
          <AssistantPanel
            open={assistantOpen}
            onClose={() => setAssistantOpen(false)}
            fullScreen={phone}
          />
        </Suspense>
      )}
    </Box>
  );
}
