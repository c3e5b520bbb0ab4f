// Entry of the renderer: styles, the push subscriptions, and the React root.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles/tokens.css';
import './styles/base.css';
import './ui/ui.css';
import './app/app.css';
// Each screen's own layout, beside its feature (in the order the rules were written: later wins ties).
import './features/registry/registry.css';
import './features/session/session.css';
import './features/model-detail/model-detail.css';
import './features/evals/evals.css';
import './features/rollout/rollout.css';
import './features/approvals/approvals.css';
import './features/audit/audit.css';
import './features/register-version/register-version.css';
import './features/connection/settings.css';
import './features/reports/reports.css';
import './features/serving/serving.css';
import { App } from './app/App.js';
import { connectPushes } from './app/push-bridge.js';

connectPushes();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
