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

// English and Bokmål, picked from the HubSpot user's locale (the backend pages follow it too).
const TEXT = {
  en: {
    loading: "Connecting to Tripletex Sync…",
    unreachable: "Tripletex Sync could not be reached",
    retryLater: "Please try again in a moment.",
    retry: "Try again",
    intro: "Connect your Tripletex company and choose what to sync: customers and contacts, " +
      "products, and deals to orders or invoices.",
    open: "Open setup",
    title: "Tripletex Sync setup",
    badStatus: (/** @type {number} */ status) => `The server answered ${status}.`,
    badAnswer: "The server sent an unexpected answer.",
  },
  nb: {
    loading: "Kobler til Tripletex Sync …",
    unreachable: "Fikk ikke kontakt med Tripletex Sync",
    retryLater: "Prøv igjen om litt.",
    retry: "Prøv igjen",
    intro: "Koble til Tripletex-selskapet ditt og velg hva som skal synkroniseres: kunder og " +
      "kontakter, produkter, og avtaler til ordrer eller fakturaer.",
    open: "Åpne oppsettet",
    title: "Oppsett av Tripletex Sync",
    badStatus: (/** @type {number} */ status) => `Serveren svarte ${status}.`,
    badAnswer: "Serveren sendte et uventet svar.",
  },
};
/** @param {string} locale */
const textFor = (locale) => (/^(nb|no|nn)\b/i.test(locale) ? TEXT.nb : TEXT.en);

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
  const t = textFor(locale);
  const [state, setState] = useState({ status: "loading", url: "", message: "" });

  const loadSession = useCallback(async () => {
    setState({ status: "loading", url: "", message: "" });
    try {
      const response = await hubspot.fetch(SESSION_ENDPOINT, {
        method: "POST",
        body: { locale },
      });
      if (!response.ok) {
        throw new Error(t.badStatus(response.status));
      }
      const data = await response.json();
      if (!data || typeof data.url !== "string" || !data.url.startsWith(`${BASE}/`)) {
        throw new Error(t.badAnswer);
      }
      setState({ status: "ready", url: data.url, message: "" });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      setState({ status: "error", url: "", message });
    }
  }, [locale, t]);

  useEffect(() => {
    loadSession();
  }, [loadSession]);

  const openSetup = () => {
    actions.openIframeModal(
      { uri: state.url, width: 1000, height: 760, title: t.title },
      loadSession,
    );
  };

  if (state.status === "loading") {
    return <LoadingSpinner label={t.loading} showLabel layout="centered" />;
  }

  if (state.status === "error") {
    return (
      <ErrorState title={t.unreachable}>
        <Text>{state.message} {t.retryLater}</Text>
        <Button onClick={loadSession}>{t.retry}</Button>
      </ErrorState>
    );
  }

  return (
    <Flex direction="column" gap="md">
      <Text>{t.intro}</Text>
      <Flex direction="row" gap="sm">
        <Button variant="primary" onClick={openSetup}>
          {t.open}
        </Button>
      </Flex>
    </Flex>
  );
};
