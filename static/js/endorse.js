// Endorse an argument without reloading the page. The endorse forms work without this file (a
// plain POST and a redirect back); this only sends the same form with fetch and updates the
// button and the count in place. If anything goes wrong, the form is submitted the plain way.
(function () {
  "use strict";

  function update(form, data) {
    var next = data.endorsed ? "no" : "yes";
    form.querySelector("input[name=endorse]").value = next;
    var button = form.querySelector("button");
    button.textContent = form.getAttribute(next === "yes" ? "data-label-yes" : "data-label-no");
    button.classList.toggle("button--secondary", data.endorsed);
    var count = document.getElementById(form.getAttribute("data-count"));
    if (count) {
      count.textContent = data.label;
    }
  }

  async function send(form) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
    });
    if (!response.ok) {
      throw new Error("The server answered " + response.status);
    }
    return response.json();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-endorse-form")) {
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button");
    // A second press while the first is on its way does nothing. The button is marked busy, not
    // disabled: a disabled button loses the focus, and a keyboard user would be sent to the top.
    if (form.getAttribute("aria-busy") === "true") {
      return;
    }
    button.setAttribute("aria-disabled", "true");
    form.setAttribute("aria-busy", "true");
    send(form)
      .then(function (data) {
        update(form, data);
      })
      .catch(function () {
        // The plain POST shows the server's own page: the reason, or the login form.
        form.submit();
      })
      .finally(function () {
        button.removeAttribute("aria-disabled");
        form.removeAttribute("aria-busy");
      });
  });
})();
