export { Providers, SessionInfo, SignInBody, SignInResult, SignUpBody } from '../../../contract/auth.js';
