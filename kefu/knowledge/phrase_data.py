"""The discouraged and forbidden phrases of the seeds, as editable default data (no Django).

Each entry is one expression, judged by a regular expression rather than by bare characters:
`pattern` finds the expression, `unless` (optional) names an allowed context in the same sentence,
`word` asks that the match start and end on jieba word boundaries (喂 is not 喂养).
Categories: "forbidden" = 服务忌语 (004:L1169-1195, 002:L302), "discouraged" = 习惯用语 with a
专业表达 to use instead (004:L1801-1853). The services load these rows into PhraseRule as defaults.

Patterns are matched against the normalised text (simplified, half-width, also read without spacing and
modal particles: phrases.readings), so they are written in simplified characters; they stay inside the
safe language editors are held to (phrases.pattern_error): bounded repeats such as \\s{0,3}, never * or +.
"""
from __future__ import annotations

FORBIDDEN = "forbidden"
DISCOURAGED = "discouraged"

CATEGORY_LABELS = {FORBIDDEN: "服务忌语", DISCOURAGED: "习惯用语"}

# Punctuation that ends a phrase, in both widths (the checker also folds full-width to half-width).
_PUNCT = r"。,，!！?？；;、~～…"
# The end of a phrase: optional 了/的 and modal particles (啊呀呢嘛吧啦), then punctuation, a space or the end.
_PARTICLES = r"(?:[了的啊呀呢嘛吧啦哦哈]{0,2})"
_END = _PARTICLES + rf"(?=[{_PUNCT}\s]|$)"

DEFAULT_RULES: list[dict] = [
    # ---- 服务忌语 "五个不说" (004:L1171) ----
    {"code": "addr_wei", "category": FORBIDDEN, "phrase": "喂、嘿（直呼客户）", "seed_line": "004:L1173",
     "pattern": r"(?:^|(?<=[。,，!！?？；;\s“\"]))(?:喂|嘿)(?:[啊呀]|喂)?(?=[,，!！。?？\s]|$|(?:你|您|那个|先生|小姐|女士))",
     "word": True, "suggestion": "您好，请问有什么可以帮您？"},
    {"code": "interrogate_what", "category": FORBIDDEN, "phrase": "什么？为什么？说什么？怎样？你说什么？", "seed_line": "004:L1175",
     "pattern": rf"(?:^|(?<=[{_PUNCT}\s]))(?:什么怎么样|为什么|什么|说什么|怎样|你说什么|啥)(?:[啊呀呢]|的呀)?[?？!！]{{1,3}}",
     "suggestion": "对不起，麻烦您将刚才反映的问题再重复一遍，好吗？"},
    {"code": "interrogate_daodi", "category": FORBIDDEN, "phrase": "你到底在说什么？你到底想怎么样？", "seed_line": "004:L1177",
     "pattern": r"你到底(?:在说|想|要|要不要|是|还)", "suggestion": "请问您需要查询哪方面的内容？"},
    {"code": "interrogate_bushi", "category": FORBIDDEN, "phrase": "你不是要查什么吗？", "seed_line": "004:L1177",
     "pattern": r"你不是要查.{0,6}吗", "suggestion": "请问您需要查询哪方面的内容？"},
    {"code": "interrogate_listen", "category": FORBIDDEN, "phrase": "你听不听我说？你要不要听我说？", "seed_line": "004:L1177",
     "pattern": r"你(?:听不听|要不要听|到底听不听|能不能听)我说", "suggestion": "请允许我为您解释一下。"},
    {"code": "ask_whom", "category": FORBIDDEN, "phrase": "你问我，我问谁？", "seed_line": "004:L1179",
     "pattern": r"你问我[,，]?\s{0,3}我(?:去)?问谁", "suggestion": "请您稍等，我帮您查询一下。"},
    {"code": "attitude", "category": FORBIDDEN, "phrase": "我态度怎么样？我就这样的态度！我态度哪里不好，你说！", "seed_line": "004:L1179-1183",
     "pattern": r"我(?:的)?态度(?:怎么样|怎么了|哪里不好|哪儿不好|有什么问题)|我就(?:是)?这(?:样|个)的?态度",
     "suggestion": "对不起，由于我们服务不周给您添麻烦了，请您原谅。"},
    {"code": "no_is_no", "category": FORBIDDEN, "phrase": "不行就是不行，这是规定", "seed_line": "004:L1181",
     "pattern": r"不行就是不行", "suggestion": "真对不起，这件事只可以在……情况下才可以（说明理由）。"},
    {"code": "cant_check", "category": FORBIDDEN, "phrase": "没法查，我没办法／我没法查，我也没办法", "seed_line": "004:L1183, 004:L1195",
     "pattern": r"(?:我|我们)?(?:也)?没法查", "suggestion": "对不起，请您留下联系电话，我们查询后将尽快与您联系，好吗？"},
    {"code": "complain_boss", "category": FORBIDDEN, "phrase": "有意见找领导去，要告就告去！", "seed_line": "004:L1185",
     "pattern": r"有意见(?:就)?找(?:领导|上级|经理)去|要告就告|(?:随便|尽管)(?:你)?(?:去)?告", "suggestion": "谢谢您告诉我们，我会将您的意见如实反映。"},
    {"code": "cant_afford", "category": FORBIDDEN, "phrase": "用不起就别用！", "seed_line": "004:L1185",
     "pattern": r"(?:用|买)不起(?:就)?(?:别|不要)(?:用|买)", "suggestion": "我为您介绍更合适的套餐。"},
    {"code": "what_you_want", "category": FORBIDDEN, "phrase": "你到底想怎么样？", "seed_line": "004:L1185",
     "pattern": r"你(?:究竟)?想(?:怎么样|干什么|干嘛)[?？!！]", "suggestion": "请问有什么可以帮助您？"},
    {"code": "so_great", "category": FORBIDDEN, "phrase": "你有什么了不起！你有没有搞错？", "seed_line": "004:L1187",
     "pattern": r"有什么了不起|你有没有搞错|你搞错了没有", "suggestion": "我完全理解您的心情。"},
    {"code": "how_you_talk", "category": FORBIDDEN, "phrase": "你这人怎么这样说话！你怎么这么罗嗦！", "seed_line": "004:L1189",
     "pattern": r"你这(?:个)?人怎么|你怎么这么(?:罗嗦|啰嗦|啰唆|烦|多事)|(?:真|太)(?:罗嗦|啰嗦)", "suggestion": "我明白您的意思。"},
    {"code": "dont_know", "category": FORBIDDEN, "phrase": "我不清楚，我不知道（不准说“不知道”）", "seed_line": "004:L1191, 002:L302",
     "pattern": r"(?:我|我们)(?:也|真|确实|哪)?(?:不清楚|不知道|咋知道|怎么知道)",
     "unless": r"不知道(?:您|你)?(?:是否|能否|可否|方便|有没有|还有|对)|不清楚的地方|不清楚(?:您|你)?(?:是否|能否)|(?:怕|免得|以免|避免)(?:我|我们)?(?:也)?不清楚",
     "suggestion": "请您稍等，我帮您查询一下／有专人负责，我帮您转过去。"},
    {"code": "go_ask_elsewhere", "category": FORBIDDEN, "phrase": "你找XX地方问", "seed_line": "004:L1191",
     "pattern": r"你(?:自己)?(?:去)?找.{1,10}?(?:问|查)(?:去|吧)?|你(?:去)?问.{1,6}?去(?:吧)?" + _END, "suggestion": "有专人负责，我帮您转过去。"},
    {"code": "not_mine", "category": FORBIDDEN, "phrase": "这不是我办理的／不是我受理的", "seed_line": "004:L1191, 004:L1233",
     "pattern": r"(?:这|那)?不是我(?:办理|受理|经手|处理|接)的", "suggestion": "对不起，给您添麻烦了，我会将您反映的问题如实上报主管。"},
    {"code": "company_rule", "category": FORBIDDEN, "phrase": "我们公司就是这么规定的", "seed_line": "004:L1193",
     "pattern": r"(?:公司|我们|上面)就是这(?:么|样)规定的?", "unless": r"工号",
     "suggestion": "根据多数人的情况，我们公司目前是这样规定的……（说明理由）"},
    {"code": "not_my_business", "category": FORBIDDEN, "phrase": "这不关我的事／不关我的事", "seed_line": "004:L1195, 002:L302",
     "pattern": r"不关我(?:的|们的)?事|关我(?:什么|啥)事|不是我的错|没这回事", "suggestion": "有专人负责，我帮您转过去。"},
    {"code": "go_dial", "category": FORBIDDEN, "phrase": "我查不到，你拨XX电话去查／您拨**电话", "seed_line": "004:L1195, 004:L1233",
     "pattern": r"(?:我)?查不到[,，]?\s{0,3}(?:你|您)(?:自己)?(?:去)?(?:拨|打)|(?:你|您)(?:自己)?(?:去)?(?:拨|打).{1,12}?(?:去|自己)查|不清楚[,，]?\s{0,3}(?:你|您)(?:去)?拨",
     "suggestion": "对不起，您能否将具体情况和联系电话告诉我，我帮您联系好吗？"},
    {"code": "check_yourself", "category": FORBIDDEN, "phrase": "你自己先查清楚", "seed_line": "004:L1195",
     "pattern": r"(?:你|您)自己(?:先|去)?查(?:清楚|一下|吧)", "suggestion": "请您稍等，我帮您查询一下。"},
    {"code": "cannot_help_loud", "category": FORBIDDEN, "phrase": "对不起，没办法帮你", "seed_line": "004:L557",
     "pattern": r"没(?:有)?办法帮(?:你|您)", "suggestion": "很抱歉，这超出我们的服务范围，恐怕我不能帮助您（说明理由）。"},
    {"code": "vulgar", "category": FORBIDDEN, "phrase": "粗话、脏话、骂人的话", "seed_line": "004:L1171, 002:L173",
     "pattern": r"(?:他|你|尼)妈的?|神经病|有病吧|你有病|傻[逼Bb瓜子]|白痴|混蛋|笨蛋|滚(?:蛋|开|出去)|闭嘴|去死|废物",
     "word": False, "suggestion": "（删除粗话，保持礼貌用语）"},
    {"code": "disparage", "category": FORBIDDEN, "phrase": "你说得不错，这个部门表现很差劲（评论公司/部门/同事的不是）", "seed_line": "004:L1843, 004:L1903",
     "pattern": r"(?:部门|同事|公司|他们|那边|单位|领导)(?:的)?(?:表现|服务|态度|办事)?(?:确实|真的|是)?(?:很|太|挺|真)?(?:差劲|差|烂|垃圾|不靠谱|不负责任|没用)" + _END,
     "unless": r"(?:信号|网络|质量|通话)",
     "suggestion": "我完全理解您的苦衷。"},
    # ---- 习惯用语 → 专业表达 (004:L1801-1853) ----
    {"code": "sorry_wait", "category": DISCOURAGED, "phrase": "很抱歉让你久等／抱歉久等", "seed_line": "004:L1805",
     "pattern": r"抱歉[,，]?\s{0,3}(?:让|令)?(?:你|您)?(?:久等|等(?:了)?(?:这么|很)?久)", "suggestion": "非常感谢您的耐心等待。"},
    {"code": "repeat_mistake", "category": DISCOURAGED, "phrase": "我不想再让您重蹈覆辙", "seed_line": "004:L1807",
     "pattern": r"重蹈覆辙", "suggestion": "我这次有信心这个问题不会再发生。"},
    {"code": "no_worse", "category": DISCOURAGED, "phrase": "这并不比上次那个问题差", "seed_line": "004:L1809",
     "pattern": r"(?:并)?不比上次.{0,8}差", "suggestion": "这次比上次的情况好。"},
    {"code": "serious", "category": DISCOURAGED, "phrase": "你的问题确实严重", "seed_line": "004:L1809",
     "pattern": r"(?:你|您)的(?:问题|情况|故障)(?:确实|真的|是|比较|非常|很|挺){1,3}严重", "suggestion": "这种情况有点不一样。"},
    {"code": "sold_out", "category": DISCOURAGED, "phrase": "问题是那个产品都卖完了", "seed_line": "004:L1811-1813",
     "pattern": r"问题是.{0,10}(?:卖完|卖光|没货)|(?:都|全)(?:卖完|卖光)了", "suggestion": "由于需求很高，我们暂时没货了。"},
    {"code": "always_problem", "category": DISCOURAGED, "phrase": "你怎么对我们公司的产品老是有问题？", "seed_line": "004:L1815",
     "pattern": r"(?:你|您)怎么.{0,12}老是|(?:你|您)(?:怎么)?(?:老是|总是)(?:有|出)问题", "suggestion": "看上去这些问题很相似。"},
    {"code": "cant_give_number", "category": DISCOURAGED, "phrase": "我不能给你他的手机号码！", "seed_line": "004:L1815-1817",
     "pattern": r"我不能(?:把|给)(?:你|您)?.{0,4}(?:手机号|电话|号码|联系方式)", "suggestion": "您是否向他本人询问他的手机号？"},
    {"code": "wrong_advice", "category": DISCOURAGED, "phrase": "我不想给您错误的建议", "seed_line": "004:L1817",
     "pattern": r"不想给(?:你|您)错误的", "suggestion": "我想给您正确的建议。"},
    {"code": "no_need_worry", "category": DISCOURAGED, "phrase": "你没有必要担心这次修后又坏", "seed_line": "004:L1819",
     "pattern": r"(?:你|您)(?:没有|没|不)必要担心", "suggestion": "你这次修后尽管放心使用。"},
    {"code": "your_name", "category": DISCOURAGED, "phrase": "你的名字叫什么？", "seed_line": "004:L1825-1827",
     "pattern": r"你(?:的名字)?叫(?:什么|啥)(?:名字)?", "suggestion": "请问，我可以知道您的名字吗？"},
    {"code": "you_must", "category": DISCOURAGED, "phrase": "你必须……做／如果你需要我的帮助，你必须……", "seed_line": "004:L1827-1831",
     "pattern": r"(?:你|您)(?:们)?(?:就)?必须", "suggestion": "我们希望您那样做，这样比较合适／我愿意帮助您，但首先我需要……"},
    {"code": "you_are_wrong", "category": DISCOURAGED, "phrase": "你错了，不是那样的！", "seed_line": "004:L1829-1831",
     "pattern": r"(?:你|您)(?:说|搞|弄|理解)?错了|不是那样的", "suggestion": "对不起我没说清楚，但我想这中间有些不同。"},
    {"code": "you_did_wrong", "category": DISCOURAGED, "phrase": "你做的不正确", "seed_line": "004:L1831-1833",
     "pattern": r"(?:你|您)(?:做|弄|操作|填|设置)(?:的|得)(?:不正确|不对)", "suggestion": "我得到了不同的结果。让我们一起来看看到底怎么回事。"},
    {"code": "listen_not_broken", "category": DISCOURAGED, "phrase": "听着，那没有坏，所有系统都是那样工作的", "seed_line": "004:L1833-1835",
     "pattern": rf"(?:^|(?<=[{_PUNCT}\s]))听着[啊呀]?[,，!！]|所有系统都是(?:那样|这样)", "suggestion": "那表明系统是正常工作的。我们会查查看到底哪儿存在问题。"},
    {"code": "not_understood", "category": DISCOURAGED, "phrase": "你没有弄明白，这次听好了", "seed_line": "004:L1837-1839",
     "pattern": r"(?:你|您)(?:还是)?没(?:有)?(?:弄|听|搞)(?:明白|懂|清楚)|(?:这次|这回|给我)听好了", "suggestion": "也许我说的不够清楚，请允许我再解释一遍。"},
    {"code": "no_way", "category": DISCOURAGED, "phrase": "我没办法", "seed_line": "004:L1845",
     "pattern": r"(?<!有)没(?:有)?办法" + _END, "suggestion": "对不起，我们暂时还没有解决方案。"},
    {"code": "try_see", "category": DISCOURAGED, "phrase": "我试试看吧", "seed_line": "004:L1845",
     "pattern": r"我(?:们)?(?:就)?(?:先)?试试(?:看)?" + _END, "suggestion": "我一定尽力而为。"},
    {"code": "cant_unless", "category": DISCOURAGED, "phrase": "我不能，除非……", "seed_line": "004:L1847",
     "pattern": r"我(?:们)?不能.{0,8}?除非", "suggestion": "（根据公司的优惠业务或服务项目给客户建议）"},
    {"code": "company_policy", "category": DISCOURAGED, "phrase": "这是公司的政策", "seed_line": "004:L1849",
     "pattern": r"这(?:是|就是)(?:我们)?(?:公司)?的?(?:政策|规定)" + _END, "unless": r"工号",
     "suggestion": "根据多数人的情况，我们公司目前是这样规定的……"},
    {"code": "not_my_charge", "category": DISCOURAGED, "phrase": "对不起，这事我不管", "seed_line": "004:L1851",
     "pattern": rf"(?:我|我们)不管(?=[了的啊呀呢啦这那{_PUNCT}]|\s{{0,3}}$)|不归我(?:们)?管|这事我不管", "suggestion": "有专人负责，我帮您转过去。"},
    {"code": "yes_but", "category": DISCOURAGED, "phrase": "是的，但是", "seed_line": "004:L1969",
     "pattern": r"(?:是的|对的|没错|您说得对|你说得对)[,，]?\s{0,3}但是", "suggestion": "“是……而……”或“除非……”句型"},
]
