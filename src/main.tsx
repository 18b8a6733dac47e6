import { renderApp } from './bootstrap';

// The product's entry: nothing on window. The test hooks live in src/automation/main.tsx.
renderApp();
