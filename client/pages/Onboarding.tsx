import { Box, Button, Flex, Message, Panel, Stepper, Text } from '@bigcommerce/big-design';
import { useEffect, useState } from 'react';
import { settingsSchema, type Settings } from '../../server/settings/schema.js';
import { api, errorText, type ZohoConnectionInfo } from '../api.js';
import { HelpLinks } from '../components/HelpLinks.js';
import { ConnectStep } from './onboarding/ConnectStep.js';
import { FirstSyncStep } from './onboarding/FirstSyncStep.js';
import { FlowsStep } from './onboarding/FlowsStep.js';
import { PreviewStep } from './onboarding/PreviewStep.js';

const STEPS = ['Connect Zoho Inventory', 'Choose what to sync', 'Preview products', 'First sync'];

/**
 * First open: connect Zoho → choose flows and methods → preview the products sync → approve the
 * first real run. Shown until Zoho is connected and a products sync has succeeded; skippable.
 */
export function Onboarding({ zoho, onDone, onSkip }: { zoho: ZohoConnectionInfo; onDone(): void; onSkip(): void }) {
  const [step, setStep] = useState(zoho.status === 'connected' ? 1 : 0);
  const [connection, setConnection] = useState(zoho);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [settingsError, setSettingsError] = useState<string | null>(null);
  const [previewRun, setPreviewRun] = useState<string | null>(null);
  const [previewReady, setPreviewReady] = useState(false);
  const [syncRun, setSyncRun] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<Settings>('/settings').then(setSettings, (e: unknown) => setSettingsError(errorText(e, 'Could not load the settings.')));
  }, []);

  const saveSettings = async () => {
    if (!settings) return;
    const parsed = settingsSchema.safeParse(settings);
    if (!parsed.success) return setSettingsError(parsed.error.issues[0]?.message ?? 'Check the choices above.');
    setBusy(true);
    try {
      setSettings(await api<Settings>('/settings', { method: 'PUT', body: JSON.stringify(parsed.data) }));
      setSettingsError(null);
      setStep(2);
    } catch (e) {
      setSettingsError(errorText(e, 'Could not save the settings.'));
    } finally {
      setBusy(false);
    }
  };

  const startFirstSync = async () => {
    setError(null);
    setBusy(true);
    try {
      const { id } = await api<{ id: string }>('/sync/products', { method: 'POST', body: JSON.stringify({}) });
      setSyncRun(id);
      setStep(3);
    } catch (e) {
      setError(errorText(e, 'Could not start the sync.'));
    } finally {
      setBusy(false);
    }
  };

  const connected = connection.status === 'connected';
  return (
    <Panel header="Set up the Zoho Inventory connector" data-testid="onboarding">
      <Box marginBottom="large">
        <Stepper steps={STEPS} currentStep={step} />
      </Box>
      {error && <Message type="error" messages={[{ text: error }]} marginBottom="medium" />}

      {step === 0 && <ConnectStep connection={connection} onChange={setConnection} />}
      {step === 1 && (settings ? <FlowsStep settings={settings} error={settingsError} onChange={setSettings} /> : <Text>{settingsError ?? 'Loading your settings…'}</Text>)}
      {step === 2 && <PreviewStep runId={previewRun} onRunId={setPreviewRun} onReady={setPreviewReady} />}
      {step === 3 && syncRun && <FirstSyncStep runId={syncRun} onRunId={setSyncRun} onDone={onDone} />}

      <Flex justifyContent="space-between" alignItems="center" marginTop="xLarge" flexWrap="wrap" flexGap="1rem">
        <Box>
          {step > 0 && step < 3 && (
            <Button variant="subtle" onClick={() => setStep(step - 1)}>
              Back
            </Button>
          )}
          {step < 3 && (
            <Button variant="subtle" onClick={onSkip} data-testid="onboarding-skip">
              Skip setup
            </Button>
          )}
        </Box>
        <Box>
          {step === 0 && (
            <Button disabled={!connected} onClick={() => setStep(1)} data-testid="onboarding-next">
              Continue
            </Button>
          )}
          {step === 1 && (
            <Button disabled={!settings} isLoading={busy} onClick={() => void saveSettings()} data-testid="onboarding-next">
              Save and continue
            </Button>
          )}
          {step === 2 && (
            <Button disabled={!previewReady} isLoading={busy} onClick={() => void startFirstSync()} data-testid="approve-first-sync">
              Approve and run the first sync
            </Button>
          )}
        </Box>
      </Flex>
      <Box marginTop="large" paddingTop="medium" borderTop="box">
        <HelpLinks />
      </Box>
    </Panel>
  );
}
