/**
 * Optional hook for whoever fills `AppConfig.broker` at boot (the embedded simulator in simulated mode):
 * provide this token (globally) as `{ ready: Promise<void> }` and the broker waits for it before reading
 * its URLs and credentials.
 */
export const BROKER_SETTINGS_READY = Symbol('BROKER_SETTINGS_READY');

export interface BrokerSettingsReady {
  ready: Promise<void>;
}
