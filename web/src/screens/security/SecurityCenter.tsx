import { useNavigate, useSearch } from '@tanstack/react-router';
import { Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { Screen } from '../../ui/page';
import { AlertsPanel } from './AlertsPanel';
import { BackupsPanel } from './BackupsPanel';
import { IncidentsPanel } from './IncidentsPanel';
import { OverviewPanel } from './OverviewPanel';
import { RulesPanel } from './RulesPanel';
import type { SecurityTab } from './routes';
import './security.css';

/** Where a security officer watches the plant: posture, alerts, incidents with playbooks, rules, backups. */
export function SecurityCenter() {
  const { tab } = useSearch({ from: '/shell/security/center' });
  const navigate = useNavigate({ from: '/security/center' });
  return (
    <Screen
      title="Security center"
      intro="The security posture, alerts raised by the detection rules, incidents and their playbooks, rule tuning, backups and restore drills."
    >
      <Tabs
        selectedKey={tab}
        onSelectionChange={(key) => void navigate({ search: { tab: key as SecurityTab }, replace: true })}
      >
        <TabList aria-label="Security center">
          <Tab id="overview">Overview</Tab>
          <Tab id="alerts">Alerts</Tab>
          <Tab id="incidents">Incidents</Tab>
          <Tab id="rules">Detection rules</Tab>
          <Tab id="backups">Backups and drills</Tab>
        </TabList>
        <TabPanel id="overview">
          <OverviewPanel />
        </TabPanel>
        <TabPanel id="alerts">
          <AlertsPanel />
        </TabPanel>
        <TabPanel id="incidents">
          <IncidentsPanel />
        </TabPanel>
        <TabPanel id="rules">
          <RulesPanel />
        </TabPanel>
        <TabPanel id="backups">
          <BackupsPanel />
        </TabPanel>
      </Tabs>
    </Screen>
  );
}
