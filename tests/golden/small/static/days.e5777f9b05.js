/* digest days: optional. The front page's day headings name their date; this relabels
   the reader's own today and yesterday (in the reader's timezone) "Today" and
   "Yesterday", keeping the date as the element's title. Without it, nothing is lost. */
(function () {
  "use strict";
  function day(d) {
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" +
      String(d.getDate()).padStart(2, "0");
  }
  var now = new Date();
  var words = {};
  words[day(now)] = "Today";
  words[day(new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1))] = "Yesterday";
  document.querySelectorAll("time[data-day]").forEach(function (el) {
    var word = words[el.getAttribute("datetime")];
    if (word) {
      el.title = el.textContent;
      el.textContent = word;
    }
  });
})();
