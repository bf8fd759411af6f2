/** publiccode.yml's `developmentStatus` values: the validator checks them, the catalogue page filters by them. */
export const DEVELOPMENT_STATUSES = ['concept', 'development', 'beta', 'stable', 'obsolete'] as const;
export type DevelopmentStatus = (typeof DEVELOPMENT_STATUSES)[number];

/** publiccode.yml's `softwareType` values. */
export const SOFTWARE_TYPES = [
  'standalone/mobile',
  'standalone/iot',
  'standalone/desktop',
  'standalone/web',
  'standalone/backend',
  'standalone/other',
  'addon',
  'library',
  'configurationFiles',
] as const;
export type SoftwareType = (typeof SOFTWARE_TYPES)[number];

/** publiccode.yml's `maintenance.type` values. */
export const MAINTENANCE_TYPES = ['internal', 'contract', 'community', 'none'] as const;
export type MaintenanceType = (typeof MAINTENANCE_TYPES)[number];

/**
 * The versions of the standard, oldest first, each with the spellings of `publiccodeYmlVersion`
 * the reference validator (publiccode-parser-go) accepts for it. 0.6.0 changed nothing in the
 * standard and has no spelling of its own.
 */
export const PUBLICCODE_VERSIONS = [
  { version: '0.2', spellings: ['0.2', '0.2.0', '0.2.1', '0.2.2'] },
  { version: '0.3', spellings: ['0.3', '0.3.0'] },
  { version: '0.4', spellings: ['0.4', '0.4.0'] },
  { version: '0.5', spellings: ['0.5', '0.5.0'] },
  { version: '0.7', spellings: ['0.7', '0.7.0'] },
] as const;
/** A version of the standard (its short spelling). */
export type PubliccodeVersion = (typeof PUBLICCODE_VERSIONS)[number]['version'];
/** The latest version: files the editor writes declare it, unknown future versions are validated against it. */
export const LATEST_PUBLICCODE_VERSION: PubliccodeVersion = '0.7';

/**
 * The official list of software categories, with a French label, and the version of the
 * standard that added the category when it was not in 0.2's list (from the standard's changelog).
 */
export const CATEGORIES: readonly { code: string; fr: string; since?: PubliccodeVersion }[] = [
  { code: 'accounting', fr: 'Comptabilité' },
  { code: 'agile-project-management', fr: 'Gestion de projet agile' },
  { code: 'applicant-tracking', fr: 'Suivi des candidatures' },
  { code: 'application-development', fr: "Développement d'applications" },
  { code: 'appointment-scheduling', fr: 'Prise de rendez-vous' },
  { code: 'backup', fr: 'Sauvegarde' },
  { code: 'billing-and-invoicing', fr: 'Facturation' },
  { code: 'blog', fr: 'Blog' },
  { code: 'budgeting', fr: 'Budget' },
  { code: 'business-intelligence', fr: 'Informatique décisionnelle' },
  { code: 'business-process-management', fr: 'Gestion des processus métier' },
  { code: 'cad', fr: 'Conception assistée par ordinateur (CAO)' },
  { code: 'call-center-management', fr: "Gestion de centre d'appels" },
  { code: 'cloud-management', fr: 'Gestion du cloud' },
  { code: 'collaboration', fr: 'Collaboration' },
  { code: 'communications', fr: 'Communication' },
  { code: 'compliance-management', fr: 'Gestion de la conformité' },
  { code: 'contact-management', fr: 'Gestion des contacts' },
  { code: 'content-management', fr: 'Gestion de contenu' },
  { code: 'crm', fr: 'Gestion de la relation usager ou client (GRC)' },
  { code: 'customer-service-and-support', fr: 'Service et assistance aux usagers' },
  { code: 'data-analytics', fr: 'Analyse de données' },
  { code: 'data-collection', fr: 'Collecte de données' },
  { code: 'data-visualization', fr: 'Visualisation de données' },
  { code: 'design', fr: 'Design', since: '0.4' },
  { code: 'design-system', fr: 'Système de design', since: '0.4' },
  { code: 'digital-asset-management', fr: 'Gestion des ressources numériques' },
  { code: 'digital-citizenship', fr: 'Citoyenneté numérique' },
  { code: 'document-management', fr: 'Gestion documentaire' },
  { code: 'donor-management', fr: 'Gestion des donateurs' },
  { code: 'e-commerce', fr: 'Commerce en ligne' },
  { code: 'e-signature', fr: 'Signature électronique' },
  { code: 'educational-content', fr: 'Contenus pédagogiques', since: '0.3' },
  { code: 'email-management', fr: 'Gestion des courriels' },
  { code: 'email-marketing', fr: 'Campagnes par courriel' },
  { code: 'employee-management', fr: 'Gestion du personnel' },
  { code: 'enterprise-project-management', fr: 'Gestion de portefeuille de projets' },
  { code: 'enterprise-social-networking', fr: "Réseau social d'entreprise" },
  { code: 'erp', fr: 'Progiciel de gestion intégré (PGI)' },
  { code: 'event-management', fr: "Gestion d'événements" },
  { code: 'facility-management', fr: 'Gestion des bâtiments et équipements' },
  { code: 'feedback-and-reviews-management', fr: 'Gestion des avis et retours' },
  { code: 'financial-reporting', fr: 'Rapports financiers' },
  { code: 'fleet-management', fr: 'Gestion de flotte de véhicules' },
  { code: 'fundraising', fr: 'Collecte de fonds' },
  { code: 'gamification', fr: 'Ludification' },
  { code: 'geographic-information-systems', fr: "Système d'information géographique (SIG)" },
  { code: 'grant-management', fr: 'Gestion des subventions' },
  { code: 'graphic-design', fr: 'Graphisme' },
  { code: 'help-desk', fr: "Centre d'assistance" },
  { code: 'hr', fr: 'Ressources humaines' },
  { code: 'ide', fr: 'Environnement de développement (IDE)' },
  { code: 'identity-management', fr: 'Gestion des identités' },
  { code: 'instant-messaging', fr: 'Messagerie instantanée' },
  { code: 'integrated-library-system', fr: 'Système intégré de gestion de bibliothèque (SIGB)', since: '0.4' },
  { code: 'inventory-management', fr: 'Gestion des stocks' },
  { code: 'it-asset-management', fr: 'Gestion du parc informatique' },
  { code: 'it-development', fr: 'Développement informatique' },
  { code: 'it-management', fr: "Gestion du système d'information" },
  { code: 'it-security', fr: 'Sécurité informatique' },
  { code: 'it-service-management', fr: 'Gestion des services informatiques' },
  { code: 'knowledge-management', fr: 'Gestion des connaissances' },
  { code: 'learning-management-system', fr: "Plateforme d'apprentissage en ligne" },
  { code: 'marketing', fr: 'Marketing' },
  { code: 'mind-mapping', fr: 'Cartes mentales' },
  { code: 'mobile-marketing', fr: 'Marketing mobile' },
  { code: 'mobile-payment', fr: 'Paiement mobile' },
  { code: 'network-management', fr: 'Gestion de réseau' },
  { code: 'office', fr: 'Bureautique' },
  { code: 'online-booking', fr: 'Réservation en ligne' },
  { code: 'online-community', fr: 'Communauté en ligne' },
  { code: 'payment-gateway', fr: 'Passerelle de paiement' },
  { code: 'payroll', fr: 'Paie' },
  { code: 'predictive-analysis', fr: 'Analyse prédictive' },
  { code: 'procurement', fr: 'Achats et marchés publics' },
  { code: 'productivity-suite', fr: 'Suite de productivité' },
  { code: 'project-collaboration', fr: 'Collaboration sur projet' },
  { code: 'project-management', fr: 'Gestion de projet' },
  { code: 'property-management', fr: 'Gestion de biens' },
  { code: 'real-estate-management', fr: 'Gestion immobilière' },
  { code: 'regulations-and-directives', fr: 'Réglementations et directives', since: '0.4' },
  { code: 'remote-support', fr: 'Assistance à distance' },
  { code: 'resource-management', fr: 'Gestion des ressources' },
  { code: 'sales-management', fr: 'Gestion des ventes' },
  { code: 'seo', fr: 'Référencement (SEO)' },
  { code: 'service-desk', fr: 'Centre de services' },
  { code: 'social-media-management', fr: 'Gestion des réseaux sociaux' },
  { code: 'survey', fr: 'Enquêtes et sondages' },
  { code: 'talent-management', fr: 'Gestion des talents' },
  { code: 'task-management', fr: 'Gestion des tâches' },
  { code: 'taxes-management', fr: 'Gestion fiscale' },
  { code: 'test-management', fr: 'Gestion des tests' },
  { code: 'time-management', fr: 'Gestion du temps' },
  { code: 'time-tracking', fr: 'Suivi du temps' },
  { code: 'translation', fr: 'Traduction' },
  { code: 'video-conferencing', fr: 'Visioconférence' },
  { code: 'video-editing', fr: 'Montage vidéo' },
  { code: 'visitor-management', fr: 'Accueil des visiteurs' },
  { code: 'voip', fr: 'Téléphonie sur IP' },
  { code: 'warehouse-management', fr: "Gestion d'entrepôt" },
  { code: 'web-collaboration', fr: 'Collaboration web' },
  { code: 'web-conferencing', fr: 'Webconférence' },
  { code: 'website-builder', fr: 'Création de sites web' },
  { code: 'whistleblowing', fr: "Signalement d'alertes (lanceurs d'alerte)", since: '0.3' },
  { code: 'workflow-management', fr: 'Gestion des flux de travail' },
  { code: 'other', fr: 'Autre', since: '0.5' },
];

/** A category's label: the French one in French, else its code's words capitalised ("data-analytics" → "Data analytics"), which reads as English; a code outside the list (a topic) as it is. */
export function categoryLabel(code: string, language: string): string {
  const category = CATEGORIES.find((c) => c.code === code);
  if (!category) return code;
  if (language === 'fr') return category.fr;
  const words = code.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
