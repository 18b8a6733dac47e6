/**
 * The automation build's entry (`vite build --mode automation`, dist-automation/): the app as
 * shipped, plus the `window.__fer*` hooks the e2e tests, the CLI and the benches drive, and the
 * hidden file inputs Playwright fills. See docs/testing.md, "Automation build".
 */
import { renderApp } from '../bootstrap';
import { installTestApi } from './app';
import { TestApiInputs } from './app/TestApiInputs';

installTestApi();
renderApp(<TestApiInputs />);
