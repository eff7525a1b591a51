// Export buttons (components.export_buttons): fetch the file, save it under the server's name,
// and show the server's French message beside the buttons when it cannot make the file.
(function () {
  "use strict";
  var TIMEOUT_MS = 120000;

  function fileName(response, fallback) {
    var cd = response.headers.get("Content-Disposition") || "";
    var star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    if (star) { try { return decodeURIComponent(star[1]); } catch (e) { /* plain name below */ } }
    var plain = /filename="([^"]+)"/i.exec(cd);
    return plain ? plain[1] : fallback;
  }

  function say(link, text, isError) {
    var status = link.parentNode && link.parentNode.querySelector(".ti-export-status");
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("ti-export-error", !!isError);
  }

  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest("a.ti-export-link");
    if (!link || !window.fetch || !window.AbortController) { return; }
    e.preventDefault();
    var url = link.getAttribute("data-url-state")
      ? link.getAttribute("data-href") + window.location.search
      : link.getAttribute("href");
    var fallback = (link.getAttribute("data-href") || "export").split("/").pop();
    var ctrl = new AbortController();
    var timer = setTimeout(function () { ctrl.abort(); }, TIMEOUT_MS);
    link.setAttribute("aria-busy", "true");
    say(link, "Préparation du fichier…", false);
    fetch(url, { signal: ctrl.signal, credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) {
          return r.text().then(function (t) {
            say(link, (t || ("Erreur " + r.status)).slice(0, 400), true);
          });
        }
        return r.blob().then(function (blob) {
          var obj = URL.createObjectURL(blob);
          var a = document.createElement("a");
          a.href = obj;
          a.download = fileName(r, fallback);
          document.body.appendChild(a);
          a.click();
          a.remove();
          setTimeout(function () { URL.revokeObjectURL(obj); }, 60000);
          say(link, "Fichier téléchargé : " + a.download, false);
        });
      })
      .catch(function (err) {
        say(link, err && err.name === "AbortError"
          ? "Le serveur n'a pas répondu en 2 minutes : le fichier n'a pas été produit. Réessayez."
          : "Le téléchargement a échoué : le serveur est injoignable.", true);
      })
      .finally(function () {
        clearTimeout(timer);
        link.removeAttribute("aria-busy");
      });
  });
})();
