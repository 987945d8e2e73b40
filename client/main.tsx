import { GlobalStyles } from '@bigcommerce/big-design';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { takeSessionFromLocation } from './api.js';

const hasSession = takeSessionFromLocation();

/** BigDesign's typeface; a stylesheet added by script does not block rendering, so a slow font host never delays the panel. */
function loadFont(): void {
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = 'https://fonts.googleapis.com/css2?family=Source+Sans+3:wght@200;300;400;600&display=swap';
  document.head.appendChild(link);
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <GlobalStyles />
    <App hasSession={hasSession} />
  </StrictMode>,
);
loadFont();
