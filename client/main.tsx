import { GlobalStyles } from '@bigcommerce/big-design';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { takeSessionFromLocation } from './api.js';

const hasSession = takeSessionFromLocation();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <GlobalStyles />
    <App hasSession={hasSession} />
  </StrictMode>,
);
