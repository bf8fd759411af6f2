import type { PubliccodeForm } from '../../contract/publiccode-form.js';

/** A complete form, as the page sends it. */
export function form(overrides: Partial<PubliccodeForm> = {}): PubliccodeForm {
  return {
    name: 'Démarches',
    descriptions: [
      {
        language: 'fr',
        shortDescription: 'Les démarches en ligne de la Métropole',
        longDescription:
          'Un portail où les habitants de la Métropole font leurs démarches administratives en ligne : demandes de documents, inscriptions, signalements, ' +
          'avec le suivi de chaque demande et des notifications par courriel.',
        features: ['Suivi des demandes', 'Notifications par courriel'],
      },
      {
        language: 'en',
        shortDescription: "The Metropole's online procedures",
        longDescription:
          'A portal where the inhabitants of the Metropole carry out their administrative procedures online: document requests, registrations, reports, ' +
          'with the follow-up of each request and e-mail notifications.',
        features: ['Request follow-up'],
      },
    ],
    developmentStatus: 'beta',
    softwareType: 'standalone/web',
    categories: ['digital-citizenship', 'online-booking'],
    license: 'EUPL-1.2',
    mainCopyrightOwner: 'Métropole de Lyon',
    maintenance: { type: 'internal', contacts: [{ name: 'Ada Lovelace', email: 'ada@example.org' }], contractors: [] },
    platforms: ['web'],
    availableLanguages: ['fr', 'en'],
    localisationReady: true,
    releaseDate: '2026-11-30',
    ...overrides,
  };
}
