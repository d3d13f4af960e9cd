// Progressive enhancement for comment threads. Without JavaScript every reply stays visible,
// every link and form works as a plain page, and nothing else changes.
// - a [-] button collapses a comment's replies (and says whose);
// - Reply and Rate open their forms in place;
// - focus goes to what a control opened (a reply form, an expanded comment, a comment just
//   rated) and back when it closes; one live region (#live) says what changed;
// - keys: j/k next/previous comment, n next [new] comment, r reply, p parent, ? the keys.
(function () {
  "use strict";
  var COMMENTS = "article.comment, div.comment-header";
  var RATE_LINK = "article.comment > div ~ p > a[href$='/rate/']";

  function announce(text) {
    var live = document.getElementById("live");
    if (!live) return;
    live.textContent = "";
    // A change after a pause is read out even when the words are the same as last time.
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function subjectOf(comment) {
    var heading = comment && comment.querySelector(":scope > :is(h3, h4, h5, h6)");
    return heading ? heading.textContent.trim() : "this comment";
  }

  function focusOn(element) {
    if (!element) return;
    if (!element.matches("a, button, input, select, textarea")) element.setAttribute("tabindex", "-1");
    element.focus({ preventScroll: true });
    element.scrollIntoView({ block: "nearest" });
  }

  function addToggles(root) {
    root.querySelectorAll(".thread li").forEach(function (item) {
      var replies = item.querySelector(":scope > ol.replies");
      var head = item.querySelector(":scope > article, :scope > .comment-header");
      if (!replies || !head || head.querySelector(":scope > .collapse-toggle")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "collapse-toggle";
      button.textContent = "−";
      var label = function (collapsed) {
        return (collapsed ? "Show replies to “" : "Hide replies to “") + subjectOf(head) + "”";
      };
      button.setAttribute("aria-expanded", "true");
      button.setAttribute("aria-label", label(false));
      button.addEventListener("click", function () {
        var collapsed = item.classList.toggle("collapsed");
        button.textContent = collapsed ? "+" : "−";
        button.setAttribute("aria-expanded", String(!collapsed));
        button.setAttribute("aria-label", label(collapsed));
      });
      head.insertBefore(button, head.firstChild);
    });
  }

  // --- What an htmx swap opened gets the focus ------------------------------------------------
  var pending = null; // {id, kind, opener} of the request in flight

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var comment = elt.closest("[id]");
    if (!comment) return;
    var kind = elt.matches("select[form=rate-all], form.rate-inline") ? "rate" : elt.matches("[data-hx-get]") ? "expand" : null;
    pending = kind && { id: comment.id, kind: kind };
  });

  document.addEventListener("htmx:afterSettle", function () {
    addToggles(document);
    if (!pending) return;
    var done = pending;
    pending = null;
    var element = document.getElementById(done.id);
    if (!element) return;
    if (done.kind === "rate") {
      var score = element.querySelector(":scope > a[href$='/ratings/']");
      var open = element.querySelector("form.rate-inline");
      if (open) { // the form came back with a refusal
        focusOn(open.querySelector("select") || open);
        return;
      }
      focusOn(element.querySelector("select[form=rate-all], " + RATE_LINK) || element);
      announce("Rated. “" + subjectOf(element) + "” now scores " + (score ? score.textContent.trim() : "") + ".");
    } else if (done.kind === "expand") {
      focusOn(element);
      announce("“" + subjectOf(element) + "” shown in full.");
    }
  });

  // A rating menu belongs to the page's "Rate all" form (which works without JavaScript).
  // With it, choosing a rating puts a "Rate" button beside the menu that saves that one
  // rating at once, and the comment comes back with its new score. (Not saved on the choice
  // itself: arrow keys on a menu change it at every step.)
  document.addEventListener("change", function (event) {
    var menu = event.target;
    if (!window.htmx || !menu.matches || !menu.matches("select[form=rate-all]")) return;
    var button = menu.nextElementSibling;
    if (button && button.classList.contains("rate-one")) { button.hidden = !menu.value; return; }
    button = document.createElement("button");
    button.type = "button";
    button.className = "small rate-one";
    var which = document.createElement("span");
    which.className = "visually-hidden";
    which.textContent = " #" + menu.name.slice(1);
    button.append("Rate", which);
    button.hidden = !menu.value;
    menu.insertAdjacentElement("afterend", button);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.rate-one");
    if (!button) return;
    var menu = button.previousElementSibling;
    var form = document.getElementById("rate-all");
    var comment = button.closest("article.comment");
    if (!form || !comment || !menu || !menu.value) return;
    // The form's address is the story's ".../comments/rate/"; the comment's, ".../comments/N/rate/".
    var url = form.getAttribute("action").replace(/rate\/$/, menu.name.slice(1) + "/rate/");
    window.htmx.ajax("POST", url, {
      source: menu, target: comment, swap: "outerHTML", values: { value: menu.value },
    });
  });

  // A comment's Rate link opens its rating form in place of the link (Escape puts the link
  // back); without JavaScript it is the comment's Rate page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(RATE_LINK);
    if (!link || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    var holder = document.createElement("span");
    link.replaceWith(holder);
    holder.appendChild(link);
    window.htmx.ajax("GET", link.getAttribute("href"), { target: holder, swap: "innerHTML" }).then(function () {
      var form = holder.querySelector("form.rate-inline");
      if (!form) return;
      holder.replaceWith(form);
      // htmx would take the new form over only when it settles, a moment after this: a
      // member quick enough to submit before then would leave the page.
      window.htmx.process(form);
      rateLinks[form.getAttribute("action")] = link;
      focusOn(form.querySelector("select") || form);
      announce("Rating form open: choose a rating, then Rate.");
    });
  });

  var rateLinks = {}; // the Rate links an open rating form took the place of, by its address

  document.addEventListener("keydown", function (event) {
    var form = event.key === "Escape" && event.target.closest && event.target.closest("form.rate-inline");
    var link = form && rateLinks[form.getAttribute("action")];
    if (!link) return;
    form.replaceWith(link);
    focusOn(link);
    announce("Rating form closed.");
  });

  // A comment's Reply link opens the reply form in place (a slot made under the comment);
  // without JavaScript it is the reply page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("article.comment > div ~ p > a[href$='/reply/']");
    if (!link || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var comment = link.closest("article.comment");
    if (!comment) return;
    event.preventDefault();
    var slot = document.getElementById(comment.id + "-reply");
    if (!slot) {
      slot = document.createElement("div");
      slot.id = comment.id + "-reply";
      slot.className = "reply-slot";
      comment.appendChild(slot);
    }
    window.htmx.ajax("GET", link.getAttribute("href"), { target: slot, swap: "innerHTML" }).then(function () {
      addCancel(slot, link);
      focusOn(slot.querySelector("input:not([type=hidden]):not([tabindex='-1']), textarea"));
      announce("Reply form open.");
    });
  });

  function addCancel(slot, opener) {
    var actions = slot.querySelector(".actions");
    if (!actions || actions.querySelector(".cancel-reply")) return;
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "secondary cancel-reply";
    cancel.textContent = "Cancel";
    cancel.addEventListener("click", function () {
      slot.innerHTML = "";
      focusOn(opener);
      announce("Reply form closed.");
    });
    actions.appendChild(cancel);
  }

  // --- Keys -----------------------------------------------------------------------------------
  function comments() { return Array.prototype.slice.call(document.querySelectorAll(COMMENTS)); }

  function current(all) {
    var active = document.activeElement && document.activeElement.closest(COMMENTS);
    return active ? all.indexOf(active) : -1;
  }

  function go(comment, all) {
    if (!comment) return;
    focusOn(comment);
    announce("Comment " + (all.indexOf(comment) + 1) + " of " + all.length + ": " + subjectOf(comment) + ".");
  }

  var help = null;
  function showHelp() {
    if (!help) {
      help = document.createElement("dialog");
      help.className = "key-help";
      help.setAttribute("aria-labelledby", "key-help-title");
      help.innerHTML = '<h2 id="key-help-title">Keys for comments</h2><dl>' +
        "<dt>j</dt><dd>next comment</dd><dt>k</dt><dd>previous comment</dd>" +
        "<dt>n</dt><dd>next [new] comment</dd><dt>r</dt><dd>reply to this comment</dd>" +
        "<dt>p</dt><dd>this comment’s parent</dd><dt>?</dt><dd>these keys</dd></dl>" +
        '<form method="dialog"><button>Close</button></form>';
      document.body.appendChild(help);
    }
    help.showModal();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var target = event.target;
    if (target.closest("input, textarea, select, [contenteditable], dialog")) return;
    var all = comments();
    if (!all.length) return;
    var at = current(all);
    var here = all[at];
    switch (event.key) {
      case "j": go(all[Math.min(at + 1, all.length - 1)], all); break;
      case "k": go(all[Math.max(at - 1, 0)], all); break;
      case "n":
        go(all.slice(at + 1).find(function (c) { return c.querySelector(".new"); }) || null, all);
        break;
      case "p":
        if (!here) return;
        var parent = here.closest(".thread li");
        parent = parent && parent.parentElement.closest(".thread li");
        go(parent && parent.querySelector(":scope > article, :scope > .comment-header"), all);
        break;
      case "r":
        var reply = here && here.querySelector("article.comment > div ~ p > a[href$='/reply/']");
        if (!reply) return;
        reply.click();
        break;
      case "?": showHelp(); break;
      default: return;
    }
    event.preventDefault();
  });

  // --- New comments while reading -------------------------------------------------------------
  // The server sends them as they land (server-sent events); where it cannot hold a stream
  // open (or the browser has no EventSource) the page asks every few seconds instead, with the
  // ETag of what it has (a 304 while nothing moved). New comments wait behind a bar at the
  // bottom of the window, and go in at their place in the thread when the reader asks,
  // without moving what they are reading.
  function live(section) {
    var url = section.getAttribute("data-live");
    var streamUrl = window.EventSource ? section.getAttribute("data-stream") : null;
    var after = section.getAttribute("data-after");
    var every = parseInt(section.getAttribute("data-live-every") || "3000", 10);
    var flat = (section.getAttribute("data-display") || "").indexOf("flat") === 0;
    var tag = null;
    var source = null;
    var waiting = [];
    var bar = document.createElement("div");
    bar.className = "live-bar";
    bar.hidden = true;
    var button = document.createElement("button");
    button.type = "button";
    bar.appendChild(button);
    document.body.appendChild(bar);

    // Takes an answer (comments/_live.html); says whether more are waiting on the server.
    function take(html) {
      var list = new DOMParser().parseFromString(html, "text/html").querySelector("ol.live-comments");
      if (!list) return false;
      after = list.getAttribute("data-last") || after;
      Array.prototype.forEach.call(list.children, function (item) {
        var own = item.firstElementChild;
        if (own && !document.getElementById(own.id)) waiting.push(item);
      });
      show();
      return list.hasAttribute("data-more");
    }

    function poll() {
      if (document.hidden) return window.setTimeout(poll, every);
      var headers = tag ? { "If-None-Match": tag } : {};
      fetch(url + "?after=" + encodeURIComponent(after), { headers: headers, cache: "no-store", credentials: "same-origin" })
        .then(function (response) {
          if (response.status !== 200) return null;
          tag = response.headers.get("ETag");
          return response.text();
        })
        .then(function (html) {
          var more = html ? take(html) : false;
          window.setTimeout(poll, more ? 0 : every);
        })
        .catch(function () { window.setTimeout(poll, every * 4); });
    }

    function listen() {
      source = new EventSource(streamUrl + "?after=" + encodeURIComponent(after));
      source.addEventListener("open", function () { section.setAttribute("data-live-mode", "stream"); });
      source.addEventListener("comments", function (event) { take(event.data); });
      source.addEventListener("error", function () {
        // A closed stream (the server answered 204, or failed) is not opened again: the page
        // polls. A dropped one the browser opens again itself, saying the last comment it got.
        if (source && source.readyState === EventSource.CLOSED) {
          source = null;
          streamUrl = null;
          section.setAttribute("data-live-mode", "poll");
          window.setTimeout(poll, every);
        }
      });
    }

    document.addEventListener("visibilitychange", function () {
      // A hidden tab holds no stream open; shown again, it asks for what it missed.
      if (!streamUrl) return;
      if (document.hidden && source) { source.close(); source = null; }
      else if (!document.hidden && !source) listen();
    });

    function show() {
      if (!waiting.length) { bar.hidden = true; return; }
      var words = waiting.length === 1 ? "1 new comment" : waiting.length + " new comments";
      if (button.textContent.indexOf(words) !== 0) announce(words + ".");
      button.textContent = words + ": show them";
      bar.hidden = false;
    }

    function topList() {
      var list = section.querySelector("ol.thread");
      if (!list) {
        list = document.createElement("ol");
        list.className = "thread";
        list.setAttribute("data-hx-target", "closest [id]");
        list.setAttribute("data-hx-swap", "outerHTML");
        var form = section.querySelector(".post-comment");
        section.insertBefore(list, form);
      }
      return list;
    }

    button.addEventListener("click", function () {
      // What the reader is reading stays where it is on the screen.
      var keep = comments().find(function (c) { return c.getBoundingClientRect().top >= 0; });
      var before = keep ? keep.getBoundingClientRect().top : 0;
      waiting.forEach(function (item) {
        var parent = !flat && item.getAttribute("data-parent") && document.getElementById(item.getAttribute("data-parent"));
        var list;
        if (parent) {
          var holder = parent.closest("li") || parent.parentElement;
          list = holder.querySelector(":scope > ol.replies");
          if (!list) {
            list = document.createElement("ol");
            list.className = "replies";
            holder.appendChild(list);
          }
        } else {
          list = topList();
        }
        var node = document.importNode(item, true);
        list.appendChild(node);
      });
      var count = waiting.length;
      waiting = [];
      bar.hidden = true;
      button.textContent = "";
      if (window.htmx) window.htmx.process(section);
      addToggles(section);
      if (keep) window.scrollBy(0, keep.getBoundingClientRect().top - before);
      announce((count === 1 ? "1 new comment" : count + " new comments") + " shown, marked [new]: press n to go from one to the next.");
    });

    if (streamUrl) {
      listen();
    } else {
      section.setAttribute("data-live-mode", "poll");
      window.setTimeout(poll, every);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    addToggles(document);
    var thread = document.querySelector("section.comments[data-live]");
    if (thread && window.fetch) live(thread);
    // Arriving at a comment (after posting it, or from a link): the focus starts there.
    var id = window.location.hash.slice(1);
    var arrived = id && document.getElementById(id);
    if (arrived && arrived.matches(COMMENTS)) focusOn(arrived);
  });
})();
