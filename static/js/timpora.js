// Small progressive enhancements; every page works without them.
document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
  var button = el.form.querySelector("button[type=submit]");
  if (button) button.hidden = true;
  el.addEventListener("change", function () { el.form.submit(); });
});
// The top menu behind a button on a phone (CSS shows the button only on narrow screens).
(function () {
  var toggle = document.getElementById("menu-toggle");
  var nav = document.getElementById("main-menu");
  if (!toggle || !nav) return;
  toggle.parentNode.classList.add("js-menu");
  toggle.addEventListener("click", function () {
    var open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
})();
