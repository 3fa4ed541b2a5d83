import React, { useCallback, useEffect, useState } from "react";
import {
  Button,
  ErrorState,
  Flex,
  LoadingSpinner,
  Text,
  hubspot,
} from "@hubspot/ui-extensions";

// The backend's public HTTPS origin (TXSYNC_PUBLIC_BASE_URL). hubspot/configure.py rewrites this
// line; it must also be listed in permittedUrls.fetch and .iframe of app-hsmeta.json.
const BASE = "https://sync.example.com";
const SESSION_ENDPOINT = `${BASE}/hubspot/settings/session`;

/** @param {import("@hubspot/ui-extensions").ExtensionPointApi<"settings">} api */
const render = ({ context, actions }) => (
  <SettingsPage context={context} actions={actions} />
);
hubspot.extend(render);

/**
 * Asks our backend (a signed request) for a short-lived, single-use URL to the setup stepper,
 * then offers to open it in HubSpot's iframe modal. Each URL is used once, so a fresh one is
 * fetched whenever the modal closes.
 *
 * @param {{
 *   context: import("@hubspot/ui-extensions").SettingsContext,
 *   actions: import("@hubspot/ui-extensions").ExtensionPointApiActions<"settings">,
 * }} props
 */
const SettingsPage = ({ context, actions }) => {
  const locale = context.user.locale || context.user.language || "en";
  const [state, setState] = useState({ status: "loading", url: "", message: "" });

  const loadSession = useCallback(async () => {
    setState({ status: "loading", url: "", message: "" });
    try {
      const response = await hubspot.fetch(SESSION_ENDPOINT, {
        method: "POST",
        body: { locale },
      });
      if (!response.ok) {
        throw new Error(`The server answered ${response.status}.`);
      }
      const data = await response.json();
      if (!data || typeof data.url !== "string" || !data.url.startsWith(`${BASE}/`)) {
        throw new Error("The server sent an unexpected answer.");
      }
      setState({ status: "ready", url: data.url, message: "" });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      setState({ status: "error", url: "", message });
    }
  }, [locale]);

  useEffect(() => {
    loadSession();
  }, [loadSession]);

  const openSetup = () => {
    actions.openIframeModal(
      { uri: state.url, width: 1000, height: 760, title: "Tripletex Sync setup" },
      loadSession,
    );
  };

  if (state.status === "loading") {
    return <LoadingSpinner label="Connecting to Tripletex Sync…" showLabel layout="centered" />;
  }

  if (state.status === "error") {
    return (
      <ErrorState title="Tripletex Sync could not be reached">
        <Text>{state.message} Please try again in a moment.</Text>
        <Button onClick={loadSession}>Try again</Button>
      </ErrorState>
    );
  }

  return (
    <Flex direction="column" gap="md">
      <Text>
        Connect your Tripletex company and choose what to sync: customers and contacts,
        products, and deals to orders or invoices.
      </Text>
      <Flex direction="row" gap="sm">
        <Button variant="primary" onClick={openSetup}>
          Open setup
        </Button>
      </Flex>
    </Flex>
  );
};
