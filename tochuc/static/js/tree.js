// Open or close every branch of the unit tree at once.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-tree]").forEach(function (button) {
    button.addEventListener("click", function () {
      var open = button.getAttribute("data-tree") === "open";
      document.querySelectorAll("#tree details").forEach(function (d) { d.open = open; });
    });
  });
});
