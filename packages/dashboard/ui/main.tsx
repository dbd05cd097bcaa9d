import { render } from 'preact';
import { App } from './app.js';
import { ErrorBoundary } from './components/error-boundary.js';
import './styles.css';

render(
  <ErrorBoundary>
    <App />
  </ErrorBoundary>,
  document.getElementById('app')!,
);
