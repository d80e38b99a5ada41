/* The query editor: YASGUI, vendored in /static/yasgui/, against this server's /sparql only.
   Nothing here reaches another host: no prefix.cc or LOV autocompletion, no URL shortener,
   one endpoint. IRIs under the dataset's base link to their pages on this server. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("query-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;
  var plain = document.getElementById("plain-query");
  var picker = document.getElementById("example");
  var text = document.getElementById("query-text");
  var root = document.getElementById("yasgui");

  Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  Yasgui.Yasr.plugins.table.defaults.openIriInNewWindow = false;
  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    populateFromUrl: false,
    yasqe: { autocompleters: ["variables"], createShortLink: undefined, resizeable: true },
    yasr: {
      prefixes: config.prefixes,
      persistenceId: null
    }
  });
  var tab = yasgui.getTab();
  tab.setQuery(text.value);
  // names for the editor's own fields, and a keyboard stop for its scrolling area
  tab.getYasqe().getInputField().setAttribute("aria-label", root.dataset.editorLabel);
  root.querySelectorAll("input.autocomplete").forEach(function (input) {
    input.setAttribute("aria-label", root.dataset.endpointLabel);
  });
  root.querySelectorAll(".CodeMirror-scroll").forEach(function (area) {
    area.setAttribute("tabindex", "0");
  });
  // whole values, without <> or language tags: cut ones overlap their neighbours' links
  tab.getYasr().config.plugins.table = { dynamicConfig: { isEllipsed: false, compact: true } };
  plain.hidden = true;
  picker.form.querySelector("button").hidden = true; // a choice loads at once
  picker.form.addEventListener("submit", function (event) {
    event.preventDefault();
    yasgui.getTab().setQuery(config.examples[picker.value] || "");
  });
  picker.addEventListener("change", function () {
    yasgui.getTab().setQuery(config.examples[picker.value] || "");
  });

  // results: a link to an IRI under the base opens its page here
  function localise(node) {
    node.querySelectorAll("a[href^='" + config.base + "']").forEach(function (a) {
      a.href = "/" + a.getAttribute("href").slice(config.base.length);
      a.removeAttribute("target");
    });
  }
  new MutationObserver(function () { localise(root); })
    .observe(root, { childList: true, subtree: true });
})();
