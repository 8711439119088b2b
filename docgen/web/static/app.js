// docgen: while a page is filled in, each change is sent as the form would send it, and the
// messages and the preview are brought up to date without reloading the page. Without this
// script every page works the same through its buttons.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  var summary = document.querySelector("#problems[data-focus]");
  if (summary) { summary.focus(); }  // just sent, with problems: their list first
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("status");
  var preview = document.getElementById("preview");
  var timer = null;
  var sending = false;
  var again = false;

  form.addEventListener("change", function (event) {
    var row = event.target.closest("[data-row]");
    if (row) {
      var state = row.querySelector("input[name$='._row']");
      if (state && state.value === "gone") { state.value = "new"; }
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(send, 200);
  });

  function send() {
    if (sending) { again = true; return; }
    sending = true;
    var data = new FormData(form);
    data.set("action", "autosave");
    window.fetch(form.getAttribute("action"), {
      method: "POST", body: new URLSearchParams(data), credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": form.dataset.csrf }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(apply).catch(function () {
      say("Could not update the page; use the Update button.");
    }).then(function () {
      sending = false;
      if (again) { again = false; send(); }
    });
  }

  function apply(result) {
    form.querySelectorAll("input[name$='._row']").forEach(function (input) {
      var path = input.name.slice(0, -"._row".length);
      var kept = result.rows.indexOf(path) >= 0;
      if (input.value === "new" && kept) { input.value = "existing"; }
      else if (input.value === "existing" && !kept) { input.value = "gone"; }
    });
    form.querySelectorAll("[data-field]").forEach(function (box) {
      var id = box.dataset.field;
      var control = document.getElementById(id);
      var error = document.getElementById(id + "-error");
      var understood = document.getElementById(id + "-understood");
      var message = result.errors[id];
      box.classList.toggle("invalid", Boolean(message));
      if (error) {
        error.textContent = "";
        if (message) {
          var label = document.createElement("span");
          label.className = "visually-hidden";
          label.textContent = "Problem: ";
          error.appendChild(label);
          error.appendChild(document.createTextNode(message));
        }
        error.hidden = !message;
      }
      if (understood) {
        var text = result.understood[id];
        understood.textContent = text ? "Understood as: " + text : "";
        understood.hidden = !text;
      }
      picks(box, id, result.picks[id]);
      if (control) {
        if (message) { control.setAttribute("aria-invalid", "true"); } else { control.removeAttribute("aria-invalid"); }
        var ids = [id + "-hint", id + "-understood", id + "-error"].filter(function (each) {
          var element = document.getElementById(each);
          return element && !element.hidden && element.textContent.trim() !== "";
        });
        if (ids.length) { control.setAttribute("aria-describedby", ids.join(" ")); }
        else { control.removeAttribute("aria-describedby"); }
      }
    });
    if (preview && typeof result.preview === "string") { preview.innerHTML = result.preview; }
    say(result.status);
  }

  function picks(box, id, choices) {
    var existing = document.getElementById(id + "-picks");
    if (existing) { existing.remove(); }
    if (!choices || !choices.length) { return; }
    var control = document.getElementById(id);
    var holder = document.createElement("p");
    holder.className = "picks";
    holder.id = id + "-picks";
    choices.forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "submit";
      button.name = "action";
      button.value = "pick:" + control.name + "=" + choice[0];
      button.textContent = "I meant " + choice[1];
      holder.appendChild(button);
    });
    box.insertBefore(holder, control);
  }

  function say(text) { if (status) { status.textContent = text; } }
})();
