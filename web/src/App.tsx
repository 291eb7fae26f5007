import { Suspense, useMemo } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { AuthProvider } from "./auth/AuthProvider";
import { CallbackPage } from "./auth/CallbackPage";
import { RequireAuth } from "./auth/RequireAuth";
import { callbackPath, createUserManager } from "./auth/oidc";
import { Layout } from "./components/Layout";
import { Loading } from "./components/Messages";
import { NotFoundPage } from "./components/NotFoundPage";
import { AccountPage } from "./pages/account/AccountPage";
import { AddCameraPage } from "./pages/cameras/AddCameraPage";
import { CamerasPage } from "./pages/cameras/CamerasPage";
import { EventDetailPage } from "./pages/events/EventDetailPage";
import { EventsPage } from "./pages/events/EventsPage";
import { livePage } from "./pages/live/livePage";
import { RuleEditPage } from "./pages/rules/RuleEditPage";
import { RulesPage } from "./pages/rules/RulesPage";

const LivePage = livePage.Page;

export function App() {
  const manager = useMemo(() => createUserManager(), []);
  return (
    <AuthProvider manager={manager}>
      <BrowserRouter>
        <Routes>
          <Route path={callbackPath} element={<CallbackPage manager={manager} />} />
          <Route
            element={
              <RequireAuth>
                <Layout />
              </RequireAuth>
            }
          >
            <Route index element={<Navigate to="/cameras" replace />} />
            <Route path="cameras" element={<CamerasPage />} />
            <Route path="cameras/add" element={<AddCameraPage />} />
            <Route path="live" element={<Suspense fallback={<Loading what="the live view" />}><LivePage /></Suspense>} />
            <Route path="live/:id" element={<Suspense fallback={<Loading what="the live view" />}><LivePage /></Suspense>} />
            <Route path="events" element={<EventsPage />} />
            <Route path="events/:id" element={<EventDetailPage />} />
            <Route path="rules" element={<RulesPage />} />
            <Route path="rules/new" element={<RuleEditPage />} />
            <Route path="rules/:id" element={<RuleEditPage />} />
            <Route path="me" element={<AccountPage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Route>
        </Routes>
      </BrowserRouter>
    </AuthProvider>
  );
}
