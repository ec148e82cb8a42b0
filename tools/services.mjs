// The seven apps, their schema and their port offset (local ports 4000+, e2e ports 4100+).
export const SERVICES = [
  { name: 'gateway', schema: 'gateway', offset: 0 },
  { name: 'onboarding', schema: 'onboarding', offset: 1 },
  { name: 'qr-payment', schema: 'qr_payment', offset: 2 },
  { name: 'acquiring', schema: 'acquiring', offset: 3 },
  { name: 'credit', schema: 'credit', offset: 4 },
  { name: 'settlement', schema: 'settlement', offset: 5 },
  { name: 'channel-sandbox', schema: 'channel_sandbox', offset: 6 },
];
