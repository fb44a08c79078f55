"""The Family Contact campaign of the Persian demo site: the same campaign, appeal and timeline
as campaigns.py, written in Persian for this project."""

from wagtail.models import Locale
from wagtail.rich_text import RichText

from campaigns.models import Appeal, CampaignPage, Development

from .campaigns import (
    APPEAL,
    CAMPAIGN,
    DEVELOPMENTS,
    FAMILY_CONTACT_FORM,
    UPDATE,
    _body,
    _statement,
    development_links,
    same_block_ids,
)

FAMILY_CONTACT_FORM_FA = {
    "title": "درخواست خبر از یکی از بستگان",
    "intro": (
        "<p>اگر ارتباطتان با یکی از بستگانتان که عضو سازمان مجاهدین خلق است یا بوده بریده "
        "شده، بگویید به دنبال چه کسی هستید. می‌کوشیم خبری از او بیابیم و اگر او هم بخواهد، "
        "کمک کنیم دوباره با هم در ارتباط باشید. این درخواست هزینه‌ای ندارد و شما را به هیچ "
        "کاری متعهد نمی‌کند.</p>"
    ),
    "privacy": (
        "<ul>"
        "<li><b>چه کسی آن را می‌بیند:</b> تنها شمار اندکی از مددکاران ما که نامشان مشخص است "
        "و برای این کار آموزش دیده‌اند. پاسخ‌های شما رمزگذاری‌شده نگه داشته می‌شود و هر بار "
        "که یکی از آنان درخواستی را باز کند، ثبت می‌شود.</li>"
        "<li><b>چه کس دیگری:</b> هیچ‌کس، مگر آن‌که خانه‌ای را علامت بزنید که به ما اجازه "
        "می‌دهد درخواستتان را با کمیتهٔ بین‌المللی صلیب سرخ (ICRC) یا سازمان ملل متحد (UN) "
        "در میان بگذاریم. آن را هرگز به هیچ دولتی یا به سازمانی که خویشاوندتان در آن است "
        "نمی‌دهیم.</li>"
        "<li><b>تا کی:</b> تا زمانی که روی درخواستتان کار می‌کنیم، و تا دو سال پس از بستن "
        "آن. پس از آن پاک می‌شود.</li>"
        "<li><b>اگر نظرتان عوض شد:</b> به پیام تأیید ما پاسخ دهید، یا به نشانی پایین همین "
        "صفحه بنویسید؛ درخواستتان را بی‌درنگ پاک می‌کنیم.</li>"
        "</ul>"
    ),
    "thank_you": (
        "<p>سپاس. درخواست شما به دست ما رسید و در جای امنی نگه داشته می‌شود. یکی از مددکاران "
        "ما آن را می‌خواند و به زبانی که برگزیدید و از راهی که به ما دادید، به شما پاسخ "
        "می‌دهد.</p>"
        "<p>یافتن خبری از کسی ممکن است زمان ببرد. اگر می‌خواهید چیزی بیفزایید یا درخواستتان "
        "را پس بگیرید، به نشانی پایین همین صفحه بنویسید.</p>"
    ),
}


# Dates in the text are in Persian digits, a Gregorian month with the Solar Hijri months it
# spans, so the text claims no more precision than the facts have.
PERSIAN = {
    "campaigns": {
        "title": "کارزارها",
        "intro": "آنچه برایش کارزار می‌کنیم، و کاری که شما برای یاری می‌توانید بکنید.",
    },
    "timeline": {"title": "گاه‌شمار", "intro": "آنچه رخ داده است، از تازه‌ترین."},
    "appeals": {
        "title": "فراخوان‌ها",
        "intro": "راه‌هایی که همین حالا می‌توانید اقدام کنید، و نتیجهٔ فراخوان‌های پیشین.",
    },
}

CAMPAIGN_FA = {
    "title": "ارتباط خانوادگی",
    "summary": (
        "خانواده‌های اعضای سازمان مجاهدین خلق چیزی را می‌خواهند که حق هر خانواده است: "
        "ارتباط آزاد با عزیزانشان، و امکان دیدار با آنان در عراق."
    ),
    "body": [
        (
            "paragraph",
            "<p>کارزار ارتباط خانوادگی از نخستین کار ایران اینترلینک برآمد: کمک به "
            "خانواده‌هایی که ارتباطشان با عزیزانشان در سازمان مجاهدین خلق بریده شده بود تا "
            "دوباره به آنان برسند. اکنون به خانواده‌ها کمک می‌کنیم تا برای دیدار عزیزانشان "
            "به عراق بروند.</p>"
            "<p>در کانون این کارزار، سازمانی است که نمی‌گذارد اعضایش ارتباطی آزاد و آشکار "
            "با خانواده‌هایشان داشته باشند. به اعضا آموخته می‌شود که پیوندشان را با زندگی "
            "عادی بگسلند و تنها به سازمان و رهبرانش وابسته باشند.</p>",
        ),
        ("heading", {"text": "خانواده‌ها از سازمان ملل یاری می‌خواهند", "anchor": "families-to-un"}),
        (
            "paragraph",
            "<p>در اکتبر ۲۰۰۲ (مهر و آبان ۱۳۸۱) بستگان اعضای سازمان مجاهدین خلق در تهران "
            "گرد آمدند و به دور ماندن از عزیزانشان اعتراض کردند. آنان در بیانیه‌ای از سازمان "
            "ملل متحد خواستند به یاری‌شان بیاید و کسانی را که از آنان بی‌خبر مانده‌اند "
            "پیدا کند.</p>",
        ),
        ("heading", {"text": "دعوت به دیدار از اردوگاه‌ها", "anchor": "invitation"}),
        (
            "paragraph",
            "<p>سازمان مجاهدین خلق بستگان را متهم کرد که حکومت ایران از آنان برای مقاصد خود "
            "بهره می‌گیرد. با این همه، رهبر سازمان، مسعود رجوی، بستگان و هر کسی را که نگران "
            "یکی از اعضای خانواده‌اش در سازمان است دعوت کرد تا از اردوگاه‌های سازمان در عراق "
            "دیدن کنند و خود ببینند.</p>",
        ),
        ("document", "بیانیهٔ ما دربارهٔ دعوت به دیدار از اردوگاه‌ها (به انگلیسی)"),
        ("heading", {"text": "پاسخ ما", "anchor": "our-response"}),
        (
            "paragraph",
            "<p>این دعوت را جدی گرفتیم. از پرونده‌های کسانی که برای یافتن خبری از یکی از "
            "بستگانشان به ما روی آورده‌اند، فهرستی از پنجاه نفر فراهم کردیم که همه بیرون از "
            "ایران زندگی می‌کنند و آماده‌اند برای دیدار عزیزانشان به عراق سفر کنند.</p>"
            "<p>کوشیده‌ایم این دیدارها را سامان دهیم. برای آن‌ها باید امنیت خانواده‌ها تضمین "
            "شود و نهادهایی بیرونی، مانند سازمان ملل متحد (UN) و کمیتهٔ بین‌المللی صلیب سرخ "
            "(ICRC)، در مدت حضور خانواده‌ها در عراق بر دیدارها نظارت کنند.</p>",
        ),
        ("heading", {"text": "موانع", "anchor": "obstacles"}),
        (
            "paragraph",
            "<p>وقتی برای خانواده‌ها روادید خواستیم، مقام‌های عراقی گفتند که مسئولیتی در "
            "قبال سازمان مجاهدین خلق ندارند و باید مستقیماً با خود سازمان گفت‌وگو کنیم. "
            "سازمان به نامه‌ها و درخواست‌های ما اعتنایی نکرده و حتی وجود اعضای مورد نظر را "
            "هم تأیید نکرده است. رونوشت نامه‌هایمان را برای سازمان‌های حقوق بشری "
            "فرستاده‌ایم.</p>",
        ),
        ("call_to_action", "همین حالا اقدام کنید"),
    ],
}

APPEAL_FA = {
    "title": "از سازمان ملل بخواهید دیدار خانواده‌ها در عراق را ممکن کند",
    "target_name": "آندریاس ماوروماتیس (Andreas Mavrommatis)",
    "target_role": "گزارشگر ویژهٔ سازمان ملل متحد دربارهٔ وضعیت حقوق بشر در عراق",
    "ask": (
        "به گزارشگر ویژه نامه بنویسید و از او بخواهید دولت عراق را وادارد که مسئولیت دیدار "
        "خانواده‌ها را بپذیرد و بگذارد این دیدارها زیر نظارت سازمان ملل متحد انجام شود."
    ),
    "background": (
        "<p>پنجاه نفر از بستگان اعضای سازمان مجاهدین خلق، که همه بیرون از ایران زندگی "
        "می‌کنند، آماده‌اند به دیدار عزیزانشان در عراق بروند. مقام‌های عراقی می‌گویند سازمان "
        "بر عهدهٔ آنان نیست، و سازمان به نامه‌های ما پاسخی نمی‌دهد. "
        "متن نامه به انگلیسی است، زبانی که گزارشگر ویژه با آن کار می‌کند. پیش از فرستادن "
        "می‌توانید آن را تغییر دهید.</p>"
    ),
    "action_label": "نامه به گزارشگر ویژه",
}

UPDATE_FA = {
    "title": "خانواده‌های اعضا در بغداد برای آزادی عزیزانشان گرد هم می‌آیند",
    "summary": "بستگان در بغداد گرد هم می‌آیند تا برای آزادی فرزندانشان پافشاری کنند.",
    "body": [
        (
            "paragraph",
            "<p>در ۲۶ تیر ۱۳۸۲ (۱۷ ژوئیهٔ ۲۰۰۳) خانواده‌های اعضای سازمان مجاهدین خلق در بغداد "
            "گرد هم آمدند. آمده بودند تا برای آزادی پسران و دخترانشان در اردوگاه‌های سازمان "
            "در عراق پافشاری کنند.</p>",
        ),
        ("heading", {"text": "چرا اهمیت دارد", "anchor": "why-it-matters"}),
        (
            "paragraph",
            "<p>خانواده‌ها از اکتبر ۲۰۰۲ همان چیزی را می‌خواهند که هر خانواده‌ای انتظار دارد: "
            "دیدن عزیزانشان و گفت‌وگوی آزاد با آنان. پنجاه نفر از کسانی که در پرونده‌های ما "
            "هستند، و همه بیرون از ایران زندگی می‌کنند، آماده‌اند برای دیدار به عراق سفر "
            "کنند، به شرط آن‌که امنیتشان تضمین شود و سازمان ملل متحد و کمیتهٔ بین‌المللی "
            "صلیب سرخ بر دیدارها نظارت کنند.</p>",
        ),
        ("heading", {"text": "یک هفته بعد، در اردوگاه اشرف", "anchor": "camp-ashraf"}),
        (
            "paragraph",
            "<p>در ۲ مرداد ۱۳۸۲ (۲۴ ژوئیهٔ ۲۰۰۳) خانواده‌هایی که برای دیدار عزیزانشان به "
            "اردوگاه اشرف در عراق رفته بودند به ما گفتند که در آنجا با آنان بدرفتاری شده است. "
            "آنچه بازگو می‌کنند نشان می‌دهد چرا این دیدارها به تضمین‌هایی که می‌خواهیم نیاز "
            "دارند.</p>",
        ),
    ],
}

# In the order of DEVELOPMENTS, whose dates and precisions they share.
DEVELOPMENTS_FA = [
    (
        "بستگان در تهران گرد می‌آیند و از سازمان ملل یاری می‌خواهند",
        "خانواده‌های اعضا از سازمان ملل می‌خواهند عزیزانی را که از آنان بی‌خبرند پیدا کند.",
    ),
    (
        "موضع رجوی دربارهٔ دیدار خانواده‌ها اعتراض برمی‌انگیزد",
        "خانواده‌ها به پاسخ رهبر سازمان به درخواست‌هایشان برای دیدار اعتراض می‌کنند؛ "
        "بیانیهٔ ما، به انگلیسی، به دعوت او پاسخ می‌دهد.",
    ),
    (
        "بدرفتاری با خانواده‌های دیدارکننده در اردوگاه اشرف، عراق",
        "خانواده‌هایی که به اردوگاه رفتند می‌گویند در آنجا با آنان بدرفتاری شد.",
    ),
]


def _persian_body(blocks, statement, appeal):
    body = []
    for kind, value in blocks:
        if kind == "paragraph":
            value = RichText(value)
        elif kind == "document":
            value = {"document": statement, "title": value}
        elif kind == "call_to_action":
            value = {"heading": value, "appeal": appeal}
        body.append((kind, value))
    return body


def _translated_snippet(original, locale, fields, log):
    """The snippet's translation into locale, created and published now if there is none."""
    existing = (
        type(original)
        .objects.filter(translation_key=original.translation_key, locale=locale)
        .first()
    )
    if existing is not None:
        return existing
    translation = original.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.live = False
    translation.save()
    translation.save_revision().publish()
    log(f"Created the {locale.get_display_name()} translation of {original!s:.60}.")
    return translation


def load_persian(home, translate, log):
    """The Persian campaign pages, appeal and developments, once the English ones exist (so
    that each translation is newer than its original and none reads as out of date).

    home is the English home page, already translated; translate(page, language_code,
    fields, log) returns a page's translation, made and published now if there is none.
    """
    locale = Locale.objects.get(language_code="fa")
    campaign = CampaignPage.objects.filter(locale=home.locale, slug=CAMPAIGN["slug"]).first()
    if campaign is None:
        return
    translate(campaign.get_parent().specific, "fa", PERSIAN["campaigns"], log)
    persian_campaign = campaign.get_translation_or_none(locale)
    if persian_campaign is None:
        # The Persian appeal belongs to the Persian campaign, whose call to action shows the
        # Persian appeal: the page first, then the appeal, then the page's body.
        persian_campaign = translate(campaign, "fa", {"title": CAMPAIGN_FA["title"]}, log)
        appeal = Appeal.objects.filter(locale=home.locale, slug=APPEAL["slug"]).first()
        persian_appeal = appeal and _translated_snippet(
            appeal, locale, {**APPEAL_FA, "campaign": persian_campaign}, log
        )
        persian_campaign.summary = CAMPAIGN_FA["summary"]
        persian_campaign.body = _persian_body(CAMPAIGN_FA["body"], _statement(log), persian_appeal)
        same_block_ids(campaign.body, persian_campaign.body)
        persian_campaign.save_revision().publish()
    update = campaign.get_children().filter(slug=UPDATE["slug"]).first()
    persian_update = None
    if update is not None:
        fields = {
            "title": UPDATE_FA["title"],
            "summary": UPDATE_FA["summary"],
            "body": _body(UPDATE_FA["body"], None),
        }
        persian_update = translate(update.specific, "fa", fields, log)
    # Their links lead to the Persian pages (a copy's lead to the originals), and to the one
    # statement, which the summary says is in English.
    for (date, precision, headline, _summary, link), (headline_fa, summary_fa) in zip(
        DEVELOPMENTS, DEVELOPMENTS_FA, strict=True
    ):
        original = Development.objects.filter(
            locale=home.locale, headline=headline, date=date, precision=precision
        ).first()
        if original is not None:
            fields = {
                "headline": headline_fa,
                "summary": summary_fa,
                "campaign": persian_campaign,
                **development_links(link, persian_campaign, _statement(log), persian_update),
            }
            _translated_snippet(original, locale, fields, log)
    form = campaign.get_children().filter(slug=FAMILY_CONTACT_FORM["slug"]).first()
    if form is not None:
        translate(form.specific, "fa", FAMILY_CONTACT_FORM_FA, log)
    for slug in ("timeline", "appeals"):
        section = home.get_children().filter(slug=slug).first()
        if section is not None:
            translate(section.specific, "fa", PERSIAN[slug], log)
