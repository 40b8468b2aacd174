// lmcpress serve: the content editor's live preview. After a pause in typing the draft is
// sent to the server, which renders it in memory (writing nothing) and answers with the
// preview and the problems found; saving is an ordinary form post and works without this.
(function () {
  'use strict';
  var form = document.getElementById('editor');
  var preview = document.getElementById('preview');
  if (!form || !preview) { return; }
  var PAUSE = 300;
  var timer = null;
  var sent = 0;
  var shown = 0;

  function mark() {
    form.querySelectorAll('textarea').forEach(function (t) { t.removeAttribute('aria-invalid'); });
    preview.querySelectorAll('.found li.error[data-target]').forEach(function (li) {
      var box = document.getElementById(li.getAttribute('data-target'));
      if (box) { box.setAttribute('aria-invalid', 'true'); }
    });
  }

  function refresh() {
    var n = ++sent;
    var data = new URLSearchParams(new FormData(form));
    data.set('action', 'preview');
    preview.setAttribute('aria-busy', 'true');
    fetch(form.getAttribute('action'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-Preview': '1' },
      body: data
    })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        // An answer to an older draft never replaces a newer one.
        if (n < shown) { return; }
        shown = n;
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.getElementById('preview-body');
        var old = document.getElementById('preview-body');
        if (fresh && old) { old.replaceWith(document.importNode(fresh, true)); }
        if (n === sent) { preview.setAttribute('aria-busy', 'false'); }
        preview.setAttribute('data-shown', String(n));
        mark();
      })
      .catch(function () { preview.setAttribute('aria-busy', 'false'); });
  }

  form.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, PAUSE);
  });
  form.addEventListener('change', function (e) {
    if (e.target && e.target.tagName === 'SELECT') { refresh(); }
  });
  refresh();
}());
