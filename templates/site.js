// Progressive enhancement for the table of bodies on the national page: sort by any column and
// filter by region. Without this script the table still reads in rank order.
(function () {
  "use strict";
  var table = document.getElementById("bodies");
  if (!table || !table.tBodies.length) { return; }
  var tbody = table.tBodies[0];
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var rows = Array.prototype.slice.call(tbody.rows);
  var status = document.getElementById("table-status");
  var collator = new Intl.Collator("en-GB", { numeric: true, sensitivity: "base" });

  rows.forEach(function (row, index) { row.setAttribute("data-order", String(index)); });

  function cellValue(row, column) {
    var cell = row.cells[column];
    var sort = cell.getAttribute("data-sort");
    return sort === null ? cell.textContent.trim() : sort;
  }

  // Empty values (bodies with no score) always go last, whichever the direction.
  function compare(column, type, direction) {
    return function (a, b) {
      var x = cellValue(a, column), y = cellValue(b, column), result;
      if (x === "" || y === "") {
        result = (x === "") - (y === "");
        return result || Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
      }
      result = type === "number" ? Number(x) - Number(y) : collator.compare(x, y);
      result = direction === "ascending" ? result : -result;
      return result || Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
    };
  }

  function sortBy(column) {
    var header = headers[column];
    var type = header.getAttribute("data-type") || "text";
    var current = header.getAttribute("aria-sort");
    var firstDirection = type === "number" && column !== 0 ? "descending" : "ascending";
    var direction = current === firstDirection ? (firstDirection === "ascending" ? "descending" : "ascending") : firstDirection;
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", direction);
    rows.slice().sort(compare(column, type, direction)).forEach(function (row) { tbody.appendChild(row); });
    announce("Sorted by " + header.querySelector(".sort-label").textContent + ", " + direction + ".");
  }

  headers.forEach(function (header, column) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    var label = document.createElement("span");
    label.className = "sort-label";
    while (header.firstChild) { label.appendChild(header.firstChild); }
    var icon = document.createElement("span");
    icon.className = "sort-icon";
    icon.setAttribute("aria-hidden", "true");
    button.appendChild(label);
    button.appendChild(icon);
    button.addEventListener("click", function () { sortBy(column); });
    header.appendChild(button);
  });

  function announce(text) {
    var shown = rows.filter(function (row) { return !row.hidden; }).length;
    if (status) { status.textContent = text + " Showing " + shown + " of " + rows.length + "."; }
  }

  var regions = [];
  rows.forEach(function (row) {
    var region = row.getAttribute("data-region");
    if (region && regions.indexOf(region) < 0) { regions.push(region); }
  });
  regions.sort(collator.compare);
  var controls = document.getElementById("table-controls");
  if (controls && regions.length > 1) {
    var label = document.createElement("label");
    label.htmlFor = "region-filter";
    label.textContent = "Region";
    var select = document.createElement("select");
    select.id = "region-filter";
    var all = document.createElement("option");
    all.value = "";
    all.textContent = "All regions";
    select.appendChild(all);
    regions.forEach(function (region) {
      var option = document.createElement("option");
      option.value = region;
      option.textContent = region;
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      rows.forEach(function (row) { row.hidden = select.value !== "" && row.getAttribute("data-region") !== select.value; });
      announce(select.value ? "Region: " + select.value + "." : "All regions.");
    });
    controls.appendChild(label);
    controls.appendChild(select);
  }
}());

// Progressive enhancement for the page of every area: a filter box over the table (by area,
// representative or body). Without this script the whole table reads A to Z.
(function () {
  "use strict";
  var table = document.getElementById("areas");
  var controls = document.getElementById("area-filter-controls");
  if (!table || !controls || !table.tBodies.length) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var status = document.getElementById("area-filter-status");
  var noun = controls.getAttribute("data-noun") || "rows";
  var texts = rows.map(function (row) { return row.textContent.replace(/\s+/g, " ").toLowerCase(); });
  var label = document.createElement("label");
  label.htmlFor = "area-filter";
  label.textContent = "Filter";
  var input = document.createElement("input");
  input.type = "search";
  input.id = "area-filter";
  input.setAttribute("aria-describedby", "area-filter-status");
  input.autocomplete = "off";
  controls.appendChild(label);
  controls.appendChild(input);
  var hint = document.createElement("p");
  hint.className = "status";
  hint.textContent = controls.getAttribute("data-hint") || "";
  controls.appendChild(hint);
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row, i) {
      var match = words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    if (status) { status.textContent = words.length ? "Showing " + shown + " of " + rows.length + " " + noun + "." : ""; }
  });
}());
