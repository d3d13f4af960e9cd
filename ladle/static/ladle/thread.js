// Progressive enhancement for comment threads: a [-] button collapses a comment's replies.
// Without JavaScript every reply stays visible and nothing else changes.
(function () {
  function addToggles(root) {
    root.querySelectorAll("li.comment-item").forEach(function (item) {
      var replies = item.querySelector(":scope > ol.replies");
      if (!replies || item.querySelector(":scope > .collapse-toggle")) return;
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
      item.insertBefore(button, item.firstChild);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { addToggles(document); });
})();
