/* The query editor: YASGUI, vendored in /static/yasgui/, against this server's /sparql only.
   Nothing here reaches another host: no prefix.cc or LOV autocompletion, no URL shortener,
   one endpoint. IRIs under the dataset's base link to their pages on this server; each IRI
   in the results gets its name beside it, and IRIs inside text (a GROUP_CONCAT) become
   links. On a Vietnamese page YASGUI's own words are put in Vietnamese as it draws them. */
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
  // the run and share buttons below the editor (YASQE draws them over the query's text)
  var editor = tab.getYasqe().getWrapperElement();
  var buttons = editor.querySelector(".yasqe_buttons");
  if (buttons) editor.parentNode.appendChild(buttons);
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

  // ---------------------------------------------------------------- YASGUI's words
  // a phrase with {1}, {2}… matches any text there and keeps it in the translation
  var exact = {};
  var patterns = [];
  Object.keys(config.words).forEach(function (english) {
    if (english.indexOf("{1}") < 0) {
      exact[english] = config.words[english];
      return;
    }
    var source = english.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{\d\}/g, "(.+?)");
    patterns.push([new RegExp("^" + source + "$"), config.words[english]]);
  });
  function translated(words) {
    var trimmed = words.trim();
    if (Object.prototype.hasOwnProperty.call(exact, trimmed)) {
      return words.replace(trimmed, exact[trimmed]);
    }
    for (var i = 0; i < patterns.length; i++) {
      var match = patterns[i][0].exec(trimmed);
      if (match) {
        return words.replace(trimmed, patterns[i][1].replace(/\{(\d)\}/g, function (_, n) {
          return match[Number(n)];
        }));
      }
    }
    return words;
  }
  function translate(node) {
    var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    var texts = [];
    for (var current = walker.nextNode(); current; current = walker.nextNode()) {
      // not the query, nor the results (but their "no results" line)
      if (!current.parentElement.closest(".CodeMirror-code, tbody td:not(.dataTables_empty)")) {
        texts.push(current);
      }
    }
    texts.forEach(function (t) {
      var words = translated(t.nodeValue);
      if (words !== t.nodeValue) t.nodeValue = words;
    });
    node.querySelectorAll("[title], [aria-label], [placeholder]").forEach(function (element) {
      ["title", "aria-label", "placeholder"].forEach(function (name) {
        var value = element.getAttribute(name);
        if (value && translated(value) !== value) element.setAttribute(name, translated(value));
      });
    });
  }

  // ---------------------------------------------------------------- results
  var IRI_IN_TEXT = /https?:\/\/[^\s<>"{}|\\^`]+[^\s<>"{}|\\^`.,;:!?)\]]/g;
  // an IRI that can go into a query as it is
  var SAFE_IRI = /^https?:\/\/[^\s<>"{}|\\^`]+$/;

  function localise(node) {
    node.querySelectorAll("a[href^='" + config.base + "']").forEach(function (a) {
      a.dataset.iri = a.getAttribute("href");
      a.href = "/" + a.getAttribute("href").slice(config.base.length);
      a.removeAttribute("target");
    });
  }

  // IRIs written inside a literal (GROUP_CONCAT, CONCAT, STR) become links
  function linkText(cell) {
    var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    var texts = [];
    for (var current = walker.nextNode(); current; current = walker.nextNode()) {
      if (!current.parentElement.closest("a") && IRI_IN_TEXT.test(current.nodeValue)) {
        texts.push(current);
      }
      IRI_IN_TEXT.lastIndex = 0;
    }
    texts.forEach(function (t) {
      var fragment = document.createDocumentFragment();
      var words = t.nodeValue;
      var last = 0;
      words.replace(IRI_IN_TEXT, function (iri, at) {
        fragment.appendChild(document.createTextNode(words.slice(last, at)));
        var a = document.createElement("a");
        a.className = "iri";
        a.href = iri;
        a.textContent = iri;
        fragment.appendChild(a);
        last = at + iri.length;
        return iri;
      });
      fragment.appendChild(document.createTextNode(words.slice(last)));
      t.parentNode.replaceChild(fragment, t);
    });
  }

  // each IRI's name in the page's language (else Vietnamese, English, untagged), asked of
  // the endpoint once per IRI
  var names = {};
  var LABEL_QUERY = "SELECT ?s ?name WHERE { VALUES ?s { %s } " +
    "?s <http://www.w3.org/2004/02/skos/core#prefLabel>|<http://www.w3.org/2000/01/rdf-schema#label>" +
    "|<https://schema.org/headline>|<https://schema.org/name> ?name }";
  function preference(lang) {
    var order = [config.lang, "vi", "en", ""];
    var at = order.indexOf(lang);
    return at < 0 ? order.length : at;
  }
  function fetchNames(iris) {
    var values = iris.map(function (iri) { return "<" + iri + ">"; }).join(" ");
    var body = new URLSearchParams({ query: LABEL_QUERY.replace("%s", values) });
    return fetch(endpoint, {
      method: "POST", body: body, headers: { Accept: "application/sparql-results+json" }
    }).then(function (response) {
      return response.ok ? response.json() : { results: { bindings: [] } };
    }).then(function (answer) {
      iris.forEach(function (iri) { if (!(iri in names)) names[iri] = null; });
      answer.results.bindings.forEach(function (row) {
        var iri = row.s.value;
        var name = { text: row.name.value, lang: row.name["xml:lang"] || "" };
        if (!names[iri] || preference(name.lang) < preference(names[iri].lang)) {
          names[iri] = name;
        }
      });
    }).catch(function () { /* the names are a help; the results stand without them */ });
  }
  function nameLinks(links) {
    links.forEach(function (a) {
      var name = names[a.dataset.iri || a.getAttribute("href")];
      if (!name || a.nextElementSibling && a.nextElementSibling.classList.contains("iri-name")) {
        return;
      }
      var span = document.createElement("span");
      span.className = "iri-name";
      span.textContent = name.text;
      if (name.lang) span.lang = name.lang;
      a.after(span);
    });
  }
  function annotate(table) {
    table.querySelectorAll("tbody td:not([data-annotated])").forEach(function (cell) {
      cell.dataset.annotated = "1";
      linkText(cell);
    });
    localise(table);
    var links = Array.prototype.slice.call(table.querySelectorAll("tbody a.iri"));
    var wanted = [];
    links.forEach(function (a) {
      var iri = a.dataset.iri || a.getAttribute("href");
      if (!(iri in names) && SAFE_IRI.test(iri) && wanted.indexOf(iri) < 0) wanted.push(iri);
    });
    var asked = [];
    for (var i = 0; i < wanted.length; i += 200) asked.push(fetchNames(wanted.slice(i, i + 200)));
    Promise.all(asked).then(function () { nameLinks(links); });
  }

  var observer = new MutationObserver(function () {
    translate(root);
    root.querySelectorAll(".yasr table.dataTable").forEach(annotate);
    localise(root);
    observer.takeRecords(); // our own changes: nothing new to do
  });
  observer.observe(root, {
    childList: true, subtree: true, characterData: true,
    attributes: true, attributeFilter: ["title", "aria-label", "placeholder"]
  });
  translate(root);
})();
