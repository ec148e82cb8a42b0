import { useEffect, useState } from 'react';
import { App, Badge, Button, Select, Space, Table, Typography } from 'antd';
import { api, ApiFailure } from '../api';
import { useT } from '../i18n';

interface Letter {
  topic: string;
  eventId: string | null;
  eventType: string | null;
  tenantId: string | null;
  failedAt: string | null;
  attempts: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  payload: string;
}

/** Dead-letter queues per topic (province): counts, the letters of one topic, replay. */
export function DeadLettersPage() {
  const t = useT();
  const { message } = App.useApp();
  const [topics, setTopics] = useState<Array<{ topic: string; count: number }>>([]);
  const [topic, setTopic] = useState<string>();
  const [letters, setLetters] = useState<Letter[]>([]);
  const load = async (tp?: string) => {
    const page = await api<{ topics: Array<{ topic: string; count: number }>; data: Letter[] }>('GET', `/v1/ops/dead-letters${tp ? `?topic=${tp}` : ''}`);
    if (!tp) setTopics(page.topics);
    setLetters(page.data);
  };
  useEffect(() => void load(), []);
  const replay = async (l: Letter) => {
    try {
      const r = await api<{ replayed: number }>('POST', '/v1/ops/dead-letters/replay', { topic: l.topic, eventIds: [l.eventId] });
      void message.success(`${t.replay}: ${r.replayed}`);
    } catch (e) {
      void message.error(e instanceof ApiFailure ? e.message : String(e));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Select
        style={{ width: 480 }}
        placeholder={t.topic}
        value={topic}
        data-testid="dlq-topic"
        onChange={(v: string) => {
          setTopic(v);
          void load(v);
        }}
        options={topics.map((x) => ({
          value: x.topic,
          label: (
            <Space>
              {x.topic}
              <Badge count={x.count} showZero color={x.count ? 'red' : 'gray'} />
            </Space>
          ),
        }))}
      />
      <Table
        rowKey={(l) => `${l.topic}:${l.eventId}`}
        dataSource={letters}
        pagination={false}
        expandable={{ expandedRowRender: (l) => <Typography.Paragraph code>{l.payload}</Typography.Paragraph> }}
        columns={[
          { title: 'event', dataIndex: 'eventId' },
          { title: t.county, dataIndex: 'tenantId' },
          { title: t.error, render: (_: unknown, l: Letter) => `${l.errorCode ?? ''} ${l.errorMessage ?? ''}` },
          { title: 'failed', dataIndex: 'failedAt' },
          {
            title: '',
            render: (_: unknown, l: Letter) => (
              <Button size="small" data-testid={`replay-${l.eventId}`} onClick={() => void replay(l)}>
                {t.replay}
              </Button>
            ),
          },
        ]}
      />
    </Space>
  );
}
