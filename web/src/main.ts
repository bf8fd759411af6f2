// Entry point: the base styles, then the app element that renders the layout and the routed page.
import './styles.css';
import './fab-app.js';
