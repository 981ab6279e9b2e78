// What the console, the display board and the kiosk share: elements by id, the page's interface
// strings (rendered by sitegen into <template id="text">, already in the right languages), new
// elements with text (never HTML, so nothing from the server is parsed as markup), messages.
var PageKit = (function () {
  "use strict";
  function byID(id) { return document.getElementById(id); }
  function words() {
    var table = {};
    var holder = byID("text");
    Array.prototype.forEach.call(holder ? holder.content.querySelectorAll("[data-key]") : [], function (node) {
      table[node.getAttribute("data-key")] = node.textContent;
    });
    return table;
  }
  function element(tag, text, className, lang) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (className) { node.className = className; }
    if (lang) { node.lang = lang; }
    return node;
  }
  // Shows a message in its box, or hides the box when there is none.
  function say(box, text) {
    box.textContent = text || "";
    box.hidden = !text;
  }
  return { byID: byID, words: words, element: element, say: say };
})();
