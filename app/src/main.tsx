import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, type AppServices } from './app.js';
import { createSignalRConnection } from './connection/signalr-connection.js';
import './styles.css';

const services: AppServices = {
  // Bound: calling an unbound window.fetch throws "Illegal invocation".
  fetch: window.fetch.bind(window),
  createConnection: () => createSignalRConnection({ url: '/api' }),
  navigate: (url) => window.location.assign(url),
};

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');

createRoot(root).render(
  <StrictMode>
    <App services={services} />
  </StrictMode>,
);
