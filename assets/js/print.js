// "Print this page" buttons need JavaScript: hidden in the HTML, shown here.
for (const b of document.querySelectorAll('[data-print]')) {
  b.hidden = false;
  b.addEventListener('click', () => window.print());
}
