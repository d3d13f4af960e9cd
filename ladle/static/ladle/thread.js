// Progressive enhancement for comment threads: a [-] button collapses a comment's replies.
// Without JavaScript every reply stays visible and nothing else changes.
(function () {
  function addToggles(root) {
    root.querySelectorAll("li.comment-item").forEach(function (item) {
      var replies = item.querySelector(":scope > ol.replies");
      var head = item.querySelector(":scope > article > .comment-head, :scope > .comment-header");
      if (!replies || !head || head.querySelector(".collapse-toggle")) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "collapse-toggle";
      button.textContent = "−";
      button.setAttribute("aria-expanded", "true");
      button.setAttribute("aria-label", "Hide replies");
      button.addEventListener("click", function () {
        var collapsed = item.classList.toggle("collapsed");
        button.textContent = collapsed ? "+" : "−";
        button.setAttribute("aria-expanded", String(!collapsed));
        button.setAttribute("aria-label", collapsed ? "Show replies" : "Hide replies");
      });
      head.insertBefore(button, head.firstChild);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { addToggles(document); });
  // A header expanded in place by htmx becomes a whole comment: give it its toggle back.
  document.addEventListener("htmx:afterSettle", function () { addToggles(document); });
})();
