// Progressive enhancement only: every page works without JavaScript.
import { initAll as initGovuk } from '/assets/govuk/govuk-frontend.min.js';
import { initAll as initMoj } from '/assets/moj/moj-frontend.min.js';

initGovuk();
initMoj();

// "Print this sheet" buttons are hidden until JavaScript can make them work.
for (const button of document.querySelectorAll('[data-lantern-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
