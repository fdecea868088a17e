// Small progressive enhancements; every page works without them.
document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
  var button = el.form.querySelector("button[type=submit]");
  if (button) button.hidden = true;
  el.addEventListener("change", function () { el.form.submit(); });
});
