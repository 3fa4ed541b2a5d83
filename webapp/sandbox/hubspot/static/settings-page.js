// HubSpot's part around our settings extension: actions.openIframeModal, and Settings.jsx's
// loadSession when the modal closes or "Try again" is pressed. The server makes the signed
// hubspot.fetch call and renders the extension's state; this script only swaps it in.
"use strict";

(() => {
  const extension = document.getElementById("settings-extension");
  const modal = document.getElementById("iframe-modal");
  const loading = document.getElementById("extension-loading");
  if (!extension || !modal || !loading) {
    return;
  }
  const body = modal.querySelector("[data-modal-body]");

  /** Show the spinner, then the extension's state after a fresh signed call. */
  async function loadSession() {
    extension.replaceChildren(loading.content.cloneNode(true));
    try {
      const response = await fetch(extension.dataset.refreshUrl, { method: "POST" });
      extension.innerHTML = await response.text();
    } catch (error) {
      extension.textContent = `The HubSpot sandbox could not be reached: ${error}`;
    }
  }

  /** Open `uri` in an iframe modal; call onClose once it closes, as HubSpot does. */
  function openIframeModal({ uri, width, height, title }, onClose) {
    const frame = document.createElement("iframe");
    Object.assign(frame, { src: uri, width, height, title });
    modal.querySelector("[data-modal-title]").textContent = title;
    body.replaceChildren(frame);
    modal.addEventListener("close", () => {
      body.replaceChildren();       // the page inside stops, as HubSpot's modal unmounts it
      onClose();
    }, { once: true });
    modal.showModal();
  }

  extension.addEventListener("click", (event) => {
    const button = event.target.closest("[data-open-iframe-modal]");
    if (button) {
      const { uri, width, height, title } = button.dataset;
      openIframeModal({ uri, width: Number(width), height: Number(height), title }, loadSession);
    }
  });

  extension.addEventListener("submit", (event) => {
    if (event.target.matches("[data-reload]")) {
      event.preventDefault();       // without this script the form reloads the whole page
      loadSession();
    }
  });

  modal.querySelector("[data-modal-close]").addEventListener("click", () => modal.close());

  // Pages in HubSpot's IFRAME modals close them with {"action": "DONE"} or "CANCEL".
  window.addEventListener("message", (event) => {
    const frame = body.querySelector("iframe");
    if (!frame || event.source !== frame.contentWindow || typeof event.data !== "string") {
      return;
    }
    try {
      const { action } = JSON.parse(event.data);
      if (action === "DONE" || action === "CANCEL") {
        modal.close();
      }
    } catch {
      // not a message for the modal
    }
  });
})();
