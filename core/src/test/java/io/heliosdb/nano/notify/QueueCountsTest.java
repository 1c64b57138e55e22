package io.heliosdb.nano.notify;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QueueCountsTest {
  @Test
  void boundsByEntriesThenBytesAndSeesWhatReadersTook() {
    QueueCounts counts = new QueueCounts();
    assertThat(counts.fits(1, 100, 2, 250)).isEqualTo(QueueCounts.Fit.YES);
    counts.offered(100);
    counts.offered(100);
    assertThat(counts.fits(1, 10, 2, 250)).isEqualTo(QueueCounts.Fit.ENTRIES);
    counts.taken(100);
    // the hub's reading of what was taken is refreshed when it looks full
    assertThat(counts.fits(1, 100, 2, 250)).isEqualTo(QueueCounts.Fit.YES);
    assertThat(counts.fits(1, 151, 2, 250)).isEqualTo(QueueCounts.Fit.BYTES);
    assertThat(counts.entries()).isEqualTo(1);
    assertThat(counts.bytes()).isEqualTo(100);
  }

  @Test
  void stayExactWhenTheRunningByteTotalWraps() {
    QueueCounts counts = new QueueCounts();
    long big = 1L << 37; // the byte field wraps every 4 such entries
    for (int i = 0; i < 20; i++) {
      counts.offered(big);
      counts.offered(3);
      assertThat(counts.entries()).isEqualTo(2);
      assertThat(counts.bytes()).isEqualTo(big + 3);
      assertThat(counts.fits(1, QueueCounts.MAX_BYTES - big - 3, 3, QueueCounts.MAX_BYTES))
          .isEqualTo(QueueCounts.Fit.YES);
      assertThat(counts.fits(1, QueueCounts.MAX_BYTES - big - 2, 3, QueueCounts.MAX_BYTES))
          .isEqualTo(QueueCounts.Fit.BYTES);
      counts.taken(big);
      counts.taken(3);
      assertThat(counts.entries()).isZero();
      assertThat(counts.bytes()).isZero();
    }
  }

  @Test
  void stayExactWhenTheRunningEntryTotalWraps() {
    QueueCounts counts = new QueueCounts();
    counts.offered(1); // one entry stays queued throughout
    for (int i = 0; i <= QueueCounts.MAX_ENTRIES + 5; i++) {
      counts.offered(1);
      counts.taken(1);
    }
    assertThat(counts.entries()).isEqualTo(1);
    assertThat(counts.bytes()).isEqualTo(1);
    assertThat(counts.fits(1, 1, 2, 10)).isEqualTo(QueueCounts.Fit.YES);
    assertThat(counts.fits(2, 1, 2, 10)).isEqualTo(QueueCounts.Fit.ENTRIES);
  }
}
