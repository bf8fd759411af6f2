/** French messages, the reference catalogue: every other language must provide the same keys. */
export const fr = {
  'site.name': 'Fabrique',
  'site.home': 'Fabrique, accueil',
  'layout.skip': 'Aller au contenu',
  'layout.language': 'Langue',
  'layout.accessibility': 'Accessibilité : partiellement conforme',
  'layout.footerNav': 'Pied de page',
  'layout.primaryNav': 'Navigation principale',
  'layout.explore': 'Explorer',
  'language.fr': 'Français',
  'language.en': 'English',

  'explore.title': 'Explorer',
  'explore.heading': 'Explorer les dépôts',
  'explore.empty': "Aucun dépôt public pour l'instant.",

  'setup.title': 'Installation',
  'setup.heading': 'Créer le premier administrateur',
  'setup.intro': 'Ce compte administre la forge. Choisissez un mot de passe robuste : vous pourrez ensuite créer les autres comptes.',
  'setup.loading': "Vérification de l'installation…",
  'setup.done': 'Fabrique est déjà installée : connectez-vous avec un compte existant.',
  'setup.noToken': "Ce lien d'installation ne contient pas de jeton. Collez le jeton affiché dans le journal du serveur, ou ouvrez le lien complet qui y est imprimé.",
  'setup.token': "Jeton d'installation",
  'setup.username': "Nom d'utilisateur",
  'setup.usernameHint': 'Lettres, chiffres, « - », « _ » et « . » uniquement.',
  'setup.email': 'Adresse électronique',
  'setup.password': 'Mot de passe',
  'setup.passwordHint': 'Au moins 8 caractères.',
  'setup.required': 'Tous les champs sont obligatoires.',
  'setup.submit': "Créer l'administrateur",
  'setup.submitting': 'Création en cours…',
  'setup.success': 'Le compte administrateur « {login} » est créé.',
  'setup.home': "Aller à l'accueil",
  'setup.error.invalidToken': "Ce lien d'installation n'est pas valide. Utilisez le lien affiché dans le journal du serveur.",
  'setup.error.alreadyDone': 'Fabrique est déjà installée : connectez-vous avec un compte existant.',
  'setup.error.invalid': 'Le formulaire contient une erreur :',
  'setup.error.network': 'Le serveur ne répond pas. Vérifiez votre connexion puis réessayez.',
  'setup.error.other': 'La création du compte a échoué :',

  'a11y.title': 'Accessibilité',
  'a11y.heading': "Déclaration d'accessibilité",
  'a11y.intro': "Fabrique vise la conformité au référentiel général d'amélioration de l'accessibilité (RGAA 4.1), qui reprend les critères WCAG 2.1 de niveau AA.",
  'a11y.statusHeading': 'État de conformité',
  'a11y.status': 'Accessibilité : partiellement conforme.',
  'a11y.statusWhy': "Aucun audit RGAA complet n'a encore été réalisé. Chaque page est vérifiée automatiquement avec axe-core (critères WCAG 2.1 A et AA) et la navigation au clavier est testée, mais ces contrôles ne couvrent qu'une partie des critères du RGAA.",
  'a11y.limitsHeading': 'Limites connues',
  'a11y.limits': "Les vérifications avec des lecteurs d'écran et un audit manuel restent à faire. Le contenu des dépôts (code, documents) est publié par leurs auteurs et peut ne pas être accessible.",
  'a11y.contactHeading': "Retour d'information et contact",
  'a11y.contact': "Si vous n'arrivez pas à accéder à un contenu ou à un service, écrivez à l'équipe qui administre cette instance de Fabrique : elle vous répondra et vous proposera une autre façon d'y accéder.",
  'a11y.remedyHeading': 'Voies de recours',
  'a11y.remedy': "Si vous n'obtenez pas de réponse satisfaisante, vous pouvez saisir le Défenseur des droits :",
  'a11y.remedyLink': 'formulaire de contact du Défenseur des droits',

  'notFound.title': 'Page introuvable',
  'notFound.heading': 'Page introuvable',
  'notFound.body': "L'adresse {path} ne correspond à aucune page de Fabrique.",
  'notFound.home': "Revenir à l'accueil",
} as const;

/** The shape every catalogue must have: exactly the French keys, each a string. */
export type Messages = { readonly [K in keyof typeof fr]: string };

/** A message name, checked at compile time in every `t()` call. */
export type MessageKey = keyof Messages;
