// Keeps what a member of staff typed when their session expired before they sent it.
//
// Sending a staff form keeps its text fields in this tab's sessionStorage (never on the
// server, never in another tab). The page that follows decides what becomes of them:
// - the login page: the session had expired and nothing was saved; it says so, and keeps
//   the text;
// - the same form again (after signing in, the login sends the browser back to it): the
//   text is put back where it differs from what the form shows, and the page says so;
// - any other page: the form was saved, and the kept text is dropped.
// A page with no form at the same address (an error page) leaves the text kept.
(function () {
  "use strict";
  var KEY = "diemen-sociaal:niet-verzonden";
  var MAX_AGE = 12 * 60 * 60 * 1000; // older text is stale: a working day has passed

  function read() {
    try {
      return JSON.parse(window.sessionStorage.getItem(KEY) || "null");
    } catch (error) {
      return null;
    }
  }

  function drop() {
    try {
      window.sessionStorage.removeItem(KEY);
    } catch (error) {
      // Storage refused (private mode): nothing was kept either.
    }
  }

  function textFields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      if (!field.name || field.disabled) {
        return false;
      }
      if (field.tagName === "TEXTAREA") {
        return true;
      }
      return field.tagName === "INPUT" && (field.type === "text" || field.type === "date");
    });
  }

  function keptForm() {
    // A staff form that takes text, not the login form (it has a password field).
    var forms = document.querySelectorAll("form[method=post]");
    for (var i = 0; i < forms.length; i += 1) {
      if (!forms[i].querySelector("input[type=password]") && textFields(forms[i]).length) {
        return forms[i];
      }
    }
    return null;
  }

  function notice(text) {
    var main = document.querySelector("main") || document.body;
    var box = document.createElement("div");
    box.className = "utrecht-alert utrecht-alert--warning kept-text";
    box.setAttribute("role", "status");
    var paragraph = document.createElement("p");
    paragraph.className = "utrecht-paragraph";
    paragraph.textContent = text;
    box.appendChild(paragraph);
    main.insertBefore(box, main.firstChild);
  }

  var kept = read();
  if (kept && (!kept.time || Date.now() - kept.time > MAX_AGE)) {
    drop();
    kept = null;
  }
  if (kept) {
    var onLogin = document.querySelector("form[data-login-form]") !== null;
    if (onLogin) {
      notice(
        "Uw sessie was verlopen, dus wat u verstuurde is niet opgeslagen. Log opnieuw in: " +
          "daarna staat de tekst die u typte weer in het formulier."
      );
    } else if (kept.path === window.location.pathname) {
      var form = keptForm();
      if (form) {
        var restored = 0;
        textFields(form).forEach(function (field) {
          var value = kept.values[field.name];
          if (typeof value === "string" && value !== field.value) {
            field.value = value;
            restored += 1;
          }
        });
        drop();
        if (restored) {
          notice(
            "De tekst die u typte voordat uw sessie verliep, staat weer in het formulier. " +
              "Hij is nog niet opgeslagen: controleer hem en sla opnieuw op."
          );
        }
      }
    } else {
      drop();
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form !== keptForm()) {
      return;
    }
    var values = {};
    textFields(form).forEach(function (field) {
      values[field.name] = field.value;
    });
    try {
      window.sessionStorage.setItem(
        KEY,
        JSON.stringify({ path: window.location.pathname, time: Date.now(), values: values })
      );
    } catch (error) {
      // Storage refused: the form is sent as always, only not kept.
    }
  });
})();
