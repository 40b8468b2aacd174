// lmcpress serve: live updates (server-sent events) and the copy button. Everything else
// works without JavaScript.
(function () {
  'use strict';
  var live = document.getElementById('live');
  function say(text) { if (live) { live.textContent = text; } }

  function wire(root) {
    root.querySelectorAll('[data-copy]').forEach(function (button) {
      button.hidden = false;
      button.addEventListener('click', function () {
        var source = document.getElementById(button.getAttribute('data-copy'));
        if (!source) { return; }
        var text = source.textContent;
        var done = function () { say('Copied to the clipboard.'); };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(text).then(done, function () { select(source); });
        } else {
          select(source);
        }
      });
    });
    root.querySelectorAll('.swatch[data-colour]').forEach(function (s) {
      s.style.background = s.getAttribute('data-colour');
    });
  }

  function select(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    say('The text is selected: press Ctrl+C (or Cmd+C) to copy it.');
  }

  function refresh(summary) {
    var main = document.querySelector('main');
    fetch(window.location.pathname + window.location.search, { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.querySelector('main');
        if (!fresh) { return; }
        // A form being filled in is never replaced under the user's fingers.
        if (main.querySelector('form[data-keep]')) {
          var old = main.querySelector('.problems');
          var now = fresh.querySelector('.problems');
          if (old) { old.remove(); }
          if (now) { main.prepend(now); }
        } else {
          main.replaceWith(fresh);
          wire(fresh);
        }
        var foot = doc.querySelector('footer');
        var oldFoot = document.querySelector('footer');
        if (foot && oldFoot) { oldFoot.replaceWith(foot); }
        document.body.setAttribute('data-updated', String(Date.now()));
        say('Documents updated: ' + summary + '.');
      })
      .catch(function () { say('The documents changed; reload the page to see them.'); });
  }

  wire(document);
  if (!window.EventSource) { return; }
  // What this page shows, so that rebuilds make it first while the page is open.
  var main = document.querySelector('main');
  var open = main ? (main.getAttribute('data-ods') || main.getAttribute('data-open')) : '';
  var events = new EventSource('/events' + (open ? '?open=' + encodeURIComponent(open) : ''));
  events.addEventListener('rebuilt', function (e) {
    var news = JSON.parse(e.data);
    var main = document.querySelector('main');
    var ods = main ? main.getAttribute('data-ods') : '';
    if (news.all || !ods || news.practices.indexOf(ods) >= 0) {
      refresh(news.summary);
    }
  });
})();
