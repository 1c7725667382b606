export {
  CHROMIUM_FLAGS,
  CHROMIUM_PATH,
  chromiumMissing,
  type LaunchedChromium,
  type LaunchOptions,
  launchChromium,
  pageResult,
} from './chromium.js';
export {
  ISOLATION_HEADERS,
  listenOnLoopback,
  type ServeOptions,
  type StaticServer,
  serveStatic,
} from './serve.js';
