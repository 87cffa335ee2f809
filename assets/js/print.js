// "Print this page" buttons: hidden in the HTML (they need JavaScript), shown and wired up here.
for (const button of document.querySelectorAll('[data-print]')) {
  button.hidden = false;
  button.addEventListener('click', () => window.print());
}
