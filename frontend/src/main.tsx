import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter } from "react-router";
import { App, appRoutes } from "./App";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");

const router = createBrowserRouter(appRoutes);

createRoot(root).render(
  <StrictMode>
    <App router={router} />
  </StrictMode>,
);
