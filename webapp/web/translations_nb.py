"""Norwegian Bokmål for every string a user sees; the English text is the key.

tests/test_i18n.py fails when a string in a template or view has no entry here, or when
an entry's placeholders differ from the English ones.
"""

NB: dict[str, str] = {
    # Frame, home and status
    "Tripletex Sync for HubSpot": "Tripletex Sync for HubSpot",
    "Sandbox mode: HubSpot and Tripletex are local simulators. No real account is touched.":
        "Sandkassemodus: HubSpot og Tripletex er lokale simulatorer. Ingen ekte konto blir berørt.",
    "for HubSpot": "for HubSpot",
    "Language": "Språk",
    "Keeps your HubSpot companies, contacts, products and deals in step with Tripletex.":
        "Holder selskaper, kontakter, produkter og avtaler i HubSpot i takt med Tripletex.",
    "You are signed in for HubSpot account {portal}.": "Du er logget inn for HubSpot-konto {portal}.",
    "Open setup": "Åpne oppsettet",
    "Install the app in your HubSpot account to start. You will choose the account and approve the permissions in HubSpot, then connect Tripletex here.":
        "Installer appen i HubSpot-kontoen din for å begynne. Du velger konto og godkjenner tilgangene i HubSpot, og kobler deretter til Tripletex her.",
    "Install in HubSpot": "Installer i HubSpot",
    "Status": "Status",
    "Background worker": "Bakgrunnsprosess",
    "Running (last seen {when})": "Kjører (sist sett {when})",
    "Not seen since {when}": "Ikke sett siden {when}",
    "Not started yet": "Ikke startet ennå",
    "HubSpot API": "HubSpot-API",
    "Tripletex API": "Tripletex-API",

    # Install, uninstall and sign-in links
    "This link has expired": "Denne lenken er utløpt",
    "Sign-in links from HubSpot work once, for one minute. Close this window and open the app's settings in HubSpot again.":
        "Innloggingslenker fra HubSpot virker én gang, i ett minutt. Lukk dette vinduet og åpne appens innstillinger i HubSpot på nytt.",
    "Open this from HubSpot": "Åpne dette fra HubSpot",
    "Sign-in links from HubSpot work only inside HubSpot. Open the app's settings in HubSpot.":
        "Innloggingslenker fra HubSpot virker bare inne i HubSpot. Åpne appens innstillinger i HubSpot.",
    "The app is uninstalled": "Appen er avinstallert",
    "HubSpot has removed the app, and its access to HubSpot and Tripletex has been erased. Everything else it stored is deleted after {days} days; install again before then to keep your settings.":
        "HubSpot har fjernet appen, og tilgangen til HubSpot og Tripletex er slettet. Alt annet appen har lagret slettes etter {days} dager; installer på nytt før det for å beholde innstillingene.",
    "Install again": "Installer på nytt",
    "HubSpot did not answer": "HubSpot svarte ikke",
    "The app is still installed: HubSpot could not be reached to uninstall it. Try again in a minute, or uninstall it in HubSpot under Connected apps.":
        "Appen er fortsatt installert: vi fikk ikke kontakt med HubSpot for å avinstallere den. Prøv igjen om et minutt, eller avinstaller den i HubSpot under Tilkoblede apper.",
    "Back": "Tilbake",
    "The app was not installed": "Appen ble ikke installert",
    "You cancelled in HubSpot, so nothing was installed and nothing was stored.":
        "Du avbrøt i HubSpot, så ingenting ble installert og ingenting ble lagret.",
    "This install link has expired": "Denne installasjonslenken er utløpt",
    "The link was already used, was opened in another browser, or is too old. For your security, start the install again.":
        "Lenken er allerede brukt, ble åpnet i en annen nettleser eller er for gammel. Av sikkerhetshensyn må du starte installasjonen på nytt.",
    "HubSpot did not confirm the install": "HubSpot bekreftet ikke installasjonen",
    "The one-time code from HubSpot was refused; it may have expired. Start the install again.":
        "Engangskoden fra HubSpot ble avvist; den kan ha utløpt. Start installasjonen på nytt.",
    "We could not reach HubSpot to finish the install. This is usually temporary; try again in a minute.":
        "Vi fikk ikke kontakt med HubSpot for å fullføre installasjonen. Dette er som regel forbigående; prøv igjen om et minutt.",
    "The install could not be completed": "Installasjonen kunne ikke fullføres",
    "HubSpot's answer did not match this app or lacked permissions the app needs. Start the install again and allow all requested permissions.":
        "Svaret fra HubSpot passet ikke til denne appen eller manglet tilganger appen trenger. Start installasjonen på nytt og gi alle tilgangene det bes om.",
    "HubSpot sent back an incomplete answer. Start the install again.":
        "HubSpot sendte et ufullstendig svar. Start installasjonen på nytt.",

    # Stepper
    "Set up": "Oppsett",
    "Setup progress": "Fremdrift i oppsettet",
    "Step {n} of {total}": "Steg {n} av {total}",
    "HubSpot connected": "HubSpot tilkoblet",
    "Connect Tripletex": "Koble til Tripletex",
    "Connection check": "Tilkoblingssjekk",
    "Choose plan": "Velg abonnement",
    "Done": "Ferdig",
    "Continue": "Fortsett",

    # Step 1
    "The app is installed in your HubSpot account.": "Appen er installert i HubSpot-kontoen din.",
    "HubSpot account": "HubSpot-konto",
    "Hub ID": "Hub-ID",
    "Installed by": "Installert av",
    "Signed in as": "Logget inn som",
    "Permissions granted": "Tilganger gitt",
    "{n} permissions": "{n} tilganger",

    # Step 2
    "Before you start:": "Før du begynner:",
    "the integration module must be active in your Tripletex company. Without it Tripletex cannot create the token, and the connection cannot continue.":
        "integrasjonsmodulen må være aktivert i Tripletex-selskapet ditt. Uten den kan ikke Tripletex lage nøkkelen, og tilkoblingen kan ikke fortsette.",
    "In Tripletex, go to Company, then Employees, and open the employee whose access the integration should use.":
        "I Tripletex går du til Selskap og deretter Ansatte, og åpner den ansatte hvis tilganger integrasjonen skal bruke.",
    "Open API access and click New token.": "Åpne API-tilgang og klikk Ny nøkkel.",
    "Choose “Adapted setup” and “All entitlements”.": "Velg «Tilpasset oppsett» og «Alle tilganger».",
    "As application name, type exactly:": "Som applikasjonsnavn skriver du nøyaktig:",
    "Copy": "Kopier",
    "Give the token a name you will recognise, click Create token and copy it. Tripletex shows it only once.":
        "Gi nøkkelen et navn du kjenner igjen, klikk Opprett nøkkel og kopier den. Tripletex viser den bare én gang.",
    "Paste the token below and click Connect Tripletex.": "Lim inn nøkkelen nedenfor og klikk Koble til Tripletex.",
    "Tripletex employee token": "Tripletex-ansattnøkkel",
    "Paste the token you created in Tripletex.": "Lim inn nøkkelen du laget i Tripletex.",
    "The text contains invisible characters. Copy the token again from Tripletex.":
        "Teksten inneholder usynlige tegn. Kopier nøkkelen på nytt fra Tripletex.",
    "This is much longer than a Tripletex token. Copy just the token.":
        "Dette er mye lengre enn en Tripletex-nøkkel. Kopier bare nøkkelen.",
    "This does not look like a Tripletex token, but you can still try it.":
        "Dette ser ikke ut som en Tripletex-nøkkel, men du kan likevel prøve den.",
    "Looks like a token. Click Connect Tripletex to check it with Tripletex.":
        "Ser ut som en nøkkel. Klikk Koble til Tripletex for å sjekke den mot Tripletex.",
    "Checking with Tripletex…": "Sjekker mot Tripletex …",
    "Connected to Tripletex.": "Koblet til Tripletex.",
    "Company": "Selskap",
    "Organisation number": "Organisasjonsnummer",
    "Token belongs to": "Nøkkelen tilhører",
    "Use a different token": "Bruk en annen nøkkel",
    "This token can act for several companies. Which company should HubSpot be synced with?":
        "Denne nøkkelen har tilgang til flere selskaper. Hvilket selskap skal HubSpot synkroniseres med?",
    "org. no.": "org.nr.",
    "Connect this company": "Koble til dette selskapet",

    # Problems
    "Customers": "Kunder",
    "Contacts": "Kontakter",
    "Products": "Produkter",
    "Orders": "Ordrer",
    "Invoices": "Fakturaer",
    "Payments": "Betalinger",
    "Currencies": "Valutaer",
    "Tripletex did not accept this token.": "Tripletex godtok ikke denne nøkkelen.",
    "Tripletex does not say why. The usual causes are:": "Tripletex oppgir ikke hvorfor. De vanligste årsakene er:",
    "The token was revoked or deleted in Tripletex. Create a new one.":
        "Nøkkelen er trukket tilbake eller slettet i Tripletex. Lag en ny.",
    "The token was created for another application. In “Adapted setup”, the application name must be exactly:":
        "Nøkkelen ble laget for en annen applikasjon. I «Tilpasset oppsett» må applikasjonsnavnet være nøyaktig:",
    "The integration module is not active in the Tripletex company. Activate it, then create the token again.":
        "Integrasjonsmodulen er ikke aktivert i Tripletex-selskapet. Aktiver den, og lag nøkkelen på nytt.",
    "The token is missing access the sync needs.": "Nøkkelen mangler tilganger synkroniseringen trenger.",
    "Missing: {which}.": "Mangler: {which}.",
    "Create a new token with “All entitlements”, from an employee who has access to these areas, and paste it here.":
        "Lag en ny nøkkel med «Alle tilganger», fra en ansatt som har tilgang til disse områdene, og lim den inn her.",
    "Tripletex asked us to slow down.": "Tripletex ba oss sende færre forespørsler.",
    "Try again in {seconds} seconds.": "Prøv igjen om {seconds} sekunder.",
    "Tripletex did not answer in time.": "Tripletex svarte ikke i tide.",
    "This is usually temporary. Try again in a minute; nothing was saved.":
        "Dette er som regel forbigående. Prøv igjen om et minutt; ingenting ble lagret.",
    "This app is not set up correctly.": "Denne appen er ikke satt opp riktig.",
    "Tripletex refused the app's own credentials (its consumer token). This is not a problem with your token: contact whoever runs this app.":
        "Tripletex avviste appens egne påloggingsdata (konsumentnøkkelen). Dette er ikke et problem med nøkkelen din: kontakt den som drifter appen.",
    "No bank account number is registered.": "Ingen bankkontonummer er registrert.",
    "Tripletex refuses to create invoices until the company's bank account (account 1920) has an account number. In Tripletex: Accounting, Chart of accounts, account 1920, enter the bank account number.":
        "Tripletex lager ikke fakturaer før selskapets bankkonto (konto 1920) har et kontonummer. I Tripletex: Regnskap, Kontoplan, konto 1920, fyll inn bankkontonummeret.",
    "No outgoing VAT codes are available.": "Ingen utgående mva-koder er tilgjengelige.",
    "In Tripletex, check the company's VAT settings: outgoing VAT code 3 (25 %) must be active, or code 6 for a company not registered for VAT.":
        "Sjekk selskapets mva-innstillinger i Tripletex: utgående mva-kode 3 (25 %) må være aktiv, eller kode 6 for et selskap som ikke er mva-registrert.",
    "Choose one of the companies listed.": "Velg et av selskapene i listen.",
    "The list of companies has expired.": "Listen over selskaper er utløpt.",
    "Paste the token again.": "Lim inn nøkkelen på nytt.",
    "Choose one of the plans.": "Velg et av abonnementene.",
    "Tripletex answered with an unexpected error.": "Tripletex svarte med en uventet feil.",
    "Try again. If it keeps happening, contact support and give this reference:":
        "Prøv igjen. Skjer det igjen, kontakt brukerstøtte og oppgi denne referansen:",

    # Step 3
    "Can the sync work with {company}? Each item is checked in Tripletex.":
        "Kan synkroniseringen fungere med {company}? Hvert punkt sjekkes i Tripletex.",
    "Bank account number registered": "Bankkontonummer registrert",
    "Outgoing VAT codes available": "Utgående mva-koder tilgjengelige",
    "Customers can be read and written": "Kunder kan leses og skrives",
    "Contacts can be read and written": "Kontakter kan leses og skrives",
    "Products can be read and written": "Produkter kan leses og skrives",
    "Orders can be created": "Ordrer kan opprettes",
    "Invoices can be created and read": "Fakturaer kan opprettes og leses",
    "Payments can be read": "Betalinger kan leses",
    "Currencies can be read": "Valutaer kan leses",
    "Passed": "OK",
    "Failed": "Feilet",
    "Checked {when}.": "Sjekket {when}.",
    "Everything the sync needs is in place.": "Alt synkroniseringen trenger er på plass.",
    "Check again": "Sjekk på nytt",
    "Fix the items marked ✗ in Tripletex, then check again.":
        "Rett punktene merket ✗ i Tripletex, og sjekk på nytt.",
    "Run the check": "Kjør sjekken",

    # Step 4
    "Choose a plan. You can change it later. Limits count invoices the app creates per calendar month.":
        "Velg et abonnement. Du kan endre det senere. Grensene teller fakturaer appen lager per kalendermåned.",
    "Companies and contacts to customers": "Selskaper og kontakter til kunder",
    "Products matched or created": "Produkter matchet eller opprettet",
    "Won deals to orders and invoices": "Vunne avtaler til ordrer og fakturaer",
    "Invoice status and payments on the deal": "Fakturastatus og betalinger på avtalen",
    "Invoice PDF attached to the deal": "Faktura-PDF lagt ved avtalen",
    "Credit notes": "Kreditnotaer",
    "Priority support": "Prioritert brukerstøtte",
    "NOK {price} / month": "{price} kr / måned",
    "Unlimited invoices": "Ubegrenset antall fakturaer",
    "{n} invoices a month": "{n} fakturaer i måneden",
    "Invoices created this month: {n}": "Fakturaer laget denne måneden: {n}",

    # Step 5
    "You are set up.": "Alt er klart.",
    "HubSpot {portal} is connected to {company} in Tripletex.":
        "HubSpot {portal} er koblet til {company} i Tripletex.",
    "HubSpot companies and their contacts become Tripletex customers and contacts; existing customers are matched, not duplicated.":
        "Selskaper og kontakter i HubSpot blir kunder og kontakter i Tripletex; eksisterende kunder blir matchet, ikke duplisert.",
    "Products are matched by SKU or created.": "Produkter matches på varenummer eller opprettes.",
    "A deal that reaches the stage you choose becomes a Tripletex order or invoice, with its line items, VAT and currency.":
        "En avtale som når fasen du velger, blir en ordre eller faktura i Tripletex, med varelinjer, mva og valuta.",
    "Invoice status, payments and credit notes come back onto the deal.":
        "Fakturastatus, betalinger og kreditnotaer kommer tilbake på avtalen.",
    "Plan:": "Abonnement:",
    "Change plan": "Endre abonnement",
    "Uninstall": "Avinstaller",
    "Uninstalling removes the app from HubSpot and erases its access to HubSpot and Tripletex at once. Other data is deleted after {days} days.":
        "Avinstallering fjerner appen fra HubSpot og sletter tilgangen til HubSpot og Tripletex med en gang. Andre data slettes etter {days} dager.",

    # Error pages
    "Open the app from HubSpot": "Åpne appen fra HubSpot",
    "You are not signed in, or your session has ended. Open Tripletex Sync from the app's settings in HubSpot, or install it.":
        "Du er ikke logget inn, eller økten er avsluttet. Åpne Tripletex Sync fra appens innstillinger i HubSpot, eller installer den.",
    "Page not found": "Fant ikke siden",
    "There is no page at this address.": "Det finnes ingen side på denne adressen.",
    "Go to the start page": "Gå til startsiden",
    "Not allowed": "Ikke tillatt",
    "This address does not accept that kind of request.": "Denne adressen godtar ikke den typen forespørsel.",
    "Too large": "For stort",
    "What was sent is too large.": "Det som ble sendt, er for stort.",
    "Bad request": "Ugyldig forespørsel",
    "The request could not be understood.": "Forespørselen kunne ikke tolkes.",
    "Something went wrong": "Noe gikk galt",
    "An unexpected error occurred. Try again in a moment; if it keeps happening, contact the app's support.":
        "Det oppstod en uventet feil. Prøv igjen om litt; skjer det igjen, kontakt appens brukerstøtte.",

    # Confirmations, limits, deadlines and what works today
    "Cancel":
        "Avbryt",
    "Coming next: the sync":
        "Kommer snart: synkroniseringen",
    "Disconnect {company} from HubSpot {portal}?":
        "Koble {company} fra HubSpot {portal}?",
    "Disconnect…":
        "Koble fra …",
    "Domain":
        "Domene",
    "For your security the form was not sent. Open the page again and repeat what you did.":
        "Av sikkerhetshensyn ble skjemaet ikke sendt. Åpne siden på nytt og gjør det samme en gang til.",
    "For your security you are signed out after a while without activity, so nothing was sent. Open Tripletex Sync again from the app's settings in HubSpot.":
        "Av sikkerhetshensyn blir du logget ut etter en stund uten aktivitet, så ingenting ble sendt. Åpne Tripletex Sync på nytt fra appens innstillinger i HubSpot.",
    "For your security, wait {seconds} seconds and try again.":
        "Av sikkerhetshensyn må du vente {seconds} sekunder før du prøver igjen.",
    "It has been refreshed: please do that again.":
        "Den er lastet inn på nytt: gjør det samme en gang til.",
    "Nothing is synced yet, so nothing can go wrong. In the coming releases:":
        "Ingenting synkroniseres ennå, så ingenting kan gå galt. I de neste versjonene:",
    "Sync settings (which deal stage invoices, order or invoice, matching rules) and the sync log will appear here.":
        "Innstillinger for synkroniseringen (hvilket avtalestadium som fakturerer, ordre eller faktura, regler for matching) og synkroniseringsloggen kommer her.",
    "The app is installed in HubSpot and connected to your Tripletex company.":
        "Appen er installert i HubSpot og koblet til Tripletex-selskapet ditt.",
    "The app is removed from your HubSpot account, and its access to HubSpot and Tripletex is erased at once. Nothing is deleted in HubSpot or Tripletex. What the app stored is deleted after {days} days; install again before then to keep your settings.":
        "Appen fjernes fra HubSpot-kontoen din, og tilgangen den har til HubSpot og Tripletex slettes med en gang. Ingenting slettes i HubSpot eller Tripletex. Det appen har lagret, slettes etter {days} dager; installer på nytt før det for å beholde innstillingene.",
    "The sync itself is still being built. Today the app connects HubSpot and Tripletex and checks that Tripletex is ready; the plans show what each will include once syncing is switched on.":
        "Selve synkroniseringen er fortsatt under arbeid. I dag kobler appen sammen HubSpot og Tripletex og sjekker at Tripletex er klart; planene viser hva hver av dem vil inneholde når synkroniseringen slås på.",
    "The sync stops until you connect again, and this app forgets the token. The token itself still exists in Tripletex: delete it there if you will not use it again.":
        "Synkroniseringen stopper til du kobler til igjen, og appen glemmer tokenet. Selve tokenet finnes fortsatt i Tripletex: slett det der hvis du ikke skal bruke det igjen.",
    "This page has expired":
        "Denne siden er utløpt",
    "This page was open for a long time, so for your security nothing was sent.":
        "Siden har vært åpen lenge, så av sikkerhetshensyn ble ingenting sendt.",
    "Today the app installs in HubSpot and connects your Tripletex company. The sync itself is coming in the next releases.":
        "I dag installeres appen i HubSpot og kobles til Tripletex-selskapet ditt. Selve synkroniseringen kommer i de neste versjonene.",
    "Too many attempts in a short time.":
        "For mange forsøk på kort tid.",
    "Tripletex is answering too slowly.":
        "Tripletex svarer for sakte.",
    "Tripletex is checked for what the sync will need: bank account, VAT codes and access.":
        "Tripletex er sjekket for det synkroniseringen trenger: bankkonto, mva-koder og tilganger.",
    "Uninstall Tripletex Sync from {portal}?":
        "Avinstallere Tripletex Sync fra {portal}?",
    "HubSpot account {portal}, Hub ID {hub_id}":
        "HubSpot-konto {portal}, Hub-ID {hub_id}",
    "Uninstall from HubSpot…":
        "Avinstaller fra HubSpot …",
    "We stopped waiting after {seconds} seconds, and nothing was saved. Tripletex is probably busy: try again in a few minutes.":
        "Vi sluttet å vente etter {seconds} sekunder, og ingenting ble lagret. Tripletex har sannsynligvis mye å gjøre: prøv igjen om noen minutter.",
    "What works today":
        "Dette fungerer i dag",
    "Will include:":
        "Vil inneholde:",
    "Yes, disconnect":
        "Ja, koble fra",
    "Yes, uninstall":
        "Ja, avinstaller",
    "Your session has ended":
        "Økten din er avsluttet",
    "See the app inside the HubSpot sandbox":
        "Se appen inne i HubSpot-sandkassen",
}
