// The header search box (every page but the search page). The words travel to the search page in the URL's
// fragment (search/#q=…): a browser never sends the fragment to a server, so no access log, proxy or
// Referer ever holds what a reader searched for. The form's input has no name, so even a submit this
// script does not catch (JavaScript off, or before this module has run) opens the search page without the words.
const form = document.querySelector('[data-search-box]');
const input = form?.querySelector('input[type=search]');
form?.addEventListener('submit', (event) => {
  event.preventDefault();
  const query = input.value.trim();
  const url = new URL(form.action);
  url.search = '';
  url.hash = query ? `q=${encodeURIComponent(query)}` : '';
  location.assign(url.href);
});
