// Register search: a form with data-lookup-url, a #person-search box and an #id_foreigner field
// gets a name search that fills in the record number (sighting and link forms).
(function () {
  var form = document.querySelector("form[data-lookup-url]");
  if (!form) return;
  var search = document.getElementById("person-search");
  var results = document.getElementById("person-results");
  var target = document.getElementById("id_foreigner");
  var timer = null;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    var q = search.value.trim();
    if (q.length < 2) { results.innerHTML = ""; return; }
    timer = setTimeout(function () {
      fetch(form.dataset.lookupUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          results.innerHTML = "";
          data.results.forEach(function (row) {
            var li = document.createElement("li");
            var b = document.createElement("button");
            b.type = "button";
            b.className = "link";
            b.textContent = row.name + " (" + row.nationality + ", " + row.born + ")";
            b.addEventListener("click", function () {
              target.value = row.id;
              results.innerHTML = "";
              search.value = row.name;
            });
            li.appendChild(b);
            results.appendChild(li);
          });
        });
    }, 250);
  });
})();
