"""The demo consultation, built from the public record. Loaded by `manage.py load_demo`.

Arguments summarise each side's published case and cite where it was made. Every person and
organisation that signs in the demo is invented (example.org addresses), and says so.
"""

import datetime

CONSULTATION = {
    "slug": "police-facial-recognition",
    "title": "Police use of facial recognition in England and Wales",
    "question": (
        "Should police in England and Wales use facial recognition more widely,"
        " as the government urged in 2023?"
    ),
    "summary": (
        "In October 2023 the Policing Minister urged police chiefs to double retrospective facial "
        "recognition searches and to use live facial recognition more widely. Parliamentarians and "
        "civil society groups asked for it to stop. Weigh the arguments and sign a statement."
    ),
    "background": (
        "Facial recognition compares images of faces against a database. Police in England and Wales "
        "use it in two main ways. Retrospective facial recognition searches still images, such as "
        "frames from CCTV, against custody images after an event. Live facial recognition compares "
        "the faces of people passing a camera, in real time, against a watch list.\n\n"
        "On 29 October 2023 the Home Office announced that the Policing Minister had written to "
        "police chiefs urging them to more than double the number of retrospective facial recognition "
        "searches, to exceed 200,000 by May 2024, and to expand the use of live facial recognition. "
        "The government's case is that the technology helps to catch people wanted for serious crimes "
        "and to find missing people, that it has a sound legal basis, and that the images of people "
        "who do not match a watch list are deleted.\n\n"
        "Earlier that month, 65 members of the House of Commons and the House of Lords and 31 "
        "organisations, among them Big Brother Watch, Liberty, Amnesty International and the Race "
        "Equality Foundation, signed a joint statement calling on police and private companies to stop "
        "using live facial recognition for public surveillance. One MP called live facial recognition "
        '"a suspicionless mass surveillance tool".\n\n'
        "This consultation hosts the strongest arguments on both sides, with their sources, and "
        "statements that people and organisations can sign."
    ),
    # The Welsh versions (the arguments' are in ARGUMENTS_CY).
    "title_cy": "Defnydd yr heddlu o adnabod wynebau yng Nghymru a Lloegr",
    "question_cy": (
        "A ddylai'r heddlu yng Nghymru a Lloegr ddefnyddio adnabod wynebau yn ehangach,"
        " fel yr anogodd y llywodraeth yn 2023?"
    ),
    "summary_cy": (
        "Ym mis Hydref 2023 anogodd y Gweinidog Plismona brif swyddogion yr heddlu i ddyblu chwiliadau "
        "adnabod wynebau ôl-weithredol ac i ddefnyddio adnabod wynebau byw yn ehangach. Gofynnodd "
        "seneddwyr a grwpiau cymdeithas sifil iddo ddod i ben. Pwyswch a mesurwch y dadleuon a "
        "llofnodwch ddatganiad."
    ),
    "background_cy": (
        "Mae adnabod wynebau yn cymharu delweddau o wynebau â chronfa ddata. Mae'r heddlu yng Nghymru a "
        "Lloegr yn ei ddefnyddio mewn dwy brif ffordd. Mae adnabod wynebau ôl-weithredol yn chwilio "
        "delweddau llonydd, fel fframiau o deledu cylch cyfyng, yn erbyn delweddau dalfa ar ôl "
        "digwyddiad. Mae adnabod wynebau byw yn cymharu wynebau pobl sy'n mynd heibio i gamera, mewn "
        "amser real, â rhestr wylio.\n\n"
        "Ar 29 Hydref 2023 cyhoeddodd y Swyddfa Gartref fod y Gweinidog Plismona wedi ysgrifennu at "
        "brif swyddogion yr heddlu yn eu hannog i fwy na dyblu nifer y chwiliadau adnabod wynebau "
        "ôl-weithredol, i fod yn fwy na 200,000 erbyn mis Mai 2024, ac i ehangu'r defnydd o adnabod "
        "wynebau byw. Dadl y llywodraeth yw bod y dechnoleg yn helpu i ddal pobl sy'n cael eu ceisio am "
        "droseddau difrifol ac i ddod o hyd i bobl sydd ar goll, bod ganddi sail gyfreithiol gadarn, a "
        "bod delweddau pobl nad ydynt yn cyfateb i restr wylio yn cael eu dileu.\n\n"
        "Yn gynharach y mis hwnnw, llofnododd 65 o aelodau Tŷ'r Cyffredin a Thŷ'r Arglwyddi a 31 o "
        "sefydliadau, yn eu plith Big Brother Watch, Liberty, Amnest Rhyngwladol a'r Race Equality "
        "Foundation, ddatganiad ar y cyd yn galw ar yr heddlu a chwmnïau preifat i roi'r gorau i "
        "ddefnyddio adnabod wynebau byw ar gyfer gwyliadwriaeth gyhoeddus. Galwodd un AS adnabod "
        'wynebau byw yn "offeryn gwyliadwriaeth dorfol heb amheuaeth".\n\n'
        "Mae'r ymgynghoriad hwn yn cynnal y dadleuon cryfaf ar y ddwy ochr, gyda'u ffynonellau, a "
        "datganiadau y gall pobl a sefydliadau eu llofnodi."
    ),
    "status": "open",
}

TIMELINE = [
    (
        datetime.date(2020, 8, 11),
        "The Court of Appeal rules in R (Bridges) v Chief Constable of South Wales Police.",
    ),
    (
        datetime.date(2023, 4, 5),
        "The National Physical Laboratory publishes its study of the algorithm used by the Metropolitan "
        "and South Wales police.",
    ),
    (
        datetime.date(2023, 10, 6),
        "65 parliamentarians and 31 organisations publish a joint statement against live facial recognition.",
    ),
    (
        datetime.date(2023, 10, 29),
        "The Home Office announces the Policing Minister's letter urging police to double searches.",
    ),
    (
        datetime.date(2024, 5, 1),
        "The date by which the letter asked for more than 200,000 retrospective searches.",
    ),
]

# The Welsh of each timeline event, by its English.
TIMELINE_CY = {
    "The Court of Appeal rules in R (Bridges) v Chief Constable of South Wales Police.": (
        "Y Llys Apêl yn dyfarnu yn achos R (Bridges) v Prif Gwnstabl Heddlu De Cymru."
    ),
    "The National Physical Laboratory publishes its study of the algorithm used by the Metropolitan "
    "and South Wales police.": (
        "Y Labordy Ffisegol Cenedlaethol yn cyhoeddi ei astudiaeth o'r algorithm a ddefnyddir gan "
        "Heddlu'r Metropolitan a Heddlu De Cymru."
    ),
    "65 parliamentarians and 31 organisations publish a joint statement against live facial recognition.": (
        "65 o seneddwyr a 31 o sefydliadau yn cyhoeddi datganiad ar y cyd yn erbyn adnabod wynebau byw."
    ),
    "The Home Office announces the Policing Minister's letter urging police to double searches.": (
        "Y Swyddfa Gartref yn cyhoeddi llythyr y Gweinidog Plismona yn annog yr heddlu i ddyblu chwiliadau."
    ),
    "The date by which the letter asked for more than 200,000 retrospective searches.": (
        "Y dyddiad erbyn pryd y gofynnodd y llythyr am fwy na 200,000 o chwiliadau ôl-weithredol."
    ),
}

SOURCES = {
    "home-office": (
        "Police urged to double AI-enabled facial recognition searches",
        "https://www.gov.uk/government/news/police-urged-to-double-ai-enabled-facial-recognition-searches",
        "Home Office",
        datetime.date(2023, 10, 29),
    ),
    "bridges": (
        "R (Bridges) v Chief Constable of South Wales Police, judgment",
        "https://www.judiciary.uk/judgments/r-bridges-v-cc-south-wales-ors/",
        "Court of Appeal",
        datetime.date(2020, 8, 11),
    ),
    "npl": (
        "Facial Recognition Technology in Law Enforcement: Equitability Study",
        "https://science.police.uk/site/assets/files/3396/frt-equitability-study_mar2023.pdf",
        "National Physical Laboratory",
        datetime.date(2023, 4, 5),
    ),
    "joint-statement": (
        "Stop facial recognition: the campaign and joint statement",
        "https://bigbrotherwatch.org.uk/campaigns/stop-facial-recognition/",
        "Big Brother Watch",
        datetime.date(2023, 10, 6),
    ),
    "app": (
        "Authorised Professional Practice: live facial recognition",
        "https://www.college.police.uk/app/live-facial-recognition",
        "College of Policing",
        None,
    ),
    "ryder": (
        "The Ryder Review: independent legal review of the governance of biometric data",
        "https://www.adalovelaceinstitute.org/report/ryder-review-biometrics/",
        "Ada Lovelace Institute",
        datetime.date(2022, 6, 29),
    ),
}

# The Welsh of each source, by its key: (title, publisher).
SOURCES_CY = {
    "home-office": (
        "Annog yr heddlu i ddyblu chwiliadau adnabod wynebau sy'n defnyddio deallusrwydd artiffisial",
        "Y Swyddfa Gartref",
    ),
    "bridges": ("R (Bridges) v Prif Gwnstabl Heddlu De Cymru, y dyfarniad", "Y Llys Apêl"),
    "npl": (
        "Technoleg Adnabod Wynebau ym Maes Gorfodi'r Gyfraith: Astudiaeth Tegwch",
        "Y Labordy Ffisegol Cenedlaethol",
    ),
    "joint-statement": (
        "Atal adnabod wynebau: yr ymgyrch a'r datganiad ar y cyd",
        "Big Brother Watch",
    ),
    "app": ("Arfer Proffesiynol Awdurdodedig: adnabod wynebau byw", "Y Coleg Plismona"),
    "ryder": (
        "Adolygiad Ryder: adolygiad cyfreithiol annibynnol o lywodraethu data biometrig",
        "Sefydliad Ada Lovelace",
    ),
}

# (side, claim, explanation, source keys)
ARGUMENTS = [
    (
        "for",
        "It helps catch people wanted for serious crimes",
        "The government says facial recognition lets officers identify suspects in minutes rather than "
        "days, including people wanted for violent and sexual offences, and that doubling searches would "
        "bring more offenders to justice.",
        ["home-office"],
    ),
    (
        "for",
        "It can find missing and vulnerable people",
        "Watch lists can include missing people and people at risk. The government cites finding missing "
        "people as one of the technology's benefits.",
        ["home-office", "app"],
    ),
    (
        "for",
        "The courts have confirmed a legal basis for its use",
        "In the Bridges case the Court of Appeal accepted that police have a legal basis in common law and "
        "data protection law to use the technology, and national guidance now sets out how deployments "
        "must be authorised.",
        ["bridges", "app"],
    ),
    (
        "for",
        "Images of people who do not match are deleted straight away",
        "With live facial recognition, the biometric data of people who are not on the watch list is "
        "deleted automatically and immediately, according to the government and national guidance.",
        ["home-office", "app"],
    ),
    (
        "for",
        "Tested settings showed no significant difference between demographic groups",
        "The National Physical Laboratory found that, at the threshold settings police use, the algorithm "
        "showed no statistically significant differences in performance between demographic groups.",
        ["npl"],
    ),
    (
        "for",
        "Retrospective searches make investigations faster",
        "Searching CCTV stills against custody images replaces hours of manual review, letting "
        "investigators spend their time on lines of inquiry rather than on scrolling footage.",
        ["home-office"],
    ),
    (
        "against",
        "It is suspicionless mass surveillance of everyone who passes a camera",
        "Live facial recognition scans the face of every person in range, not only people suspected of a "
        "crime. The joint statement of 65 parliamentarians and 31 organisations calls for its use for "
        "public surveillance to stop.",
        ["joint-statement"],
    ),
    (
        "against",
        "Parliament has never voted on it",
        "There is no specific law authorising police facial recognition. An independent legal review "
        "recommended new primary legislation and a regulator before wider use.",
        ["ryder"],
    ),
    (
        "against",
        "The Court of Appeal found one force's use unlawful",
        "In Bridges the court held that South Wales Police's use breached privacy rights, data protection "
        "law and the public sector equality duty, because too much was left to officers' discretion.",
        ["bridges"],
    ),
    (
        "against",
        "Accuracy depends on settings that forces choose",
        "The same study found differences between demographic groups at lower threshold settings. Whether "
        "a deployment is fair depends on configuration choices the public cannot see.",
        ["npl"],
    ),
    (
        "against",
        "It deters people from protesting and gathering",
        "Knowing that faces are scanned and matched may discourage people from attending protests or "
        "places of worship, with effects on rights of assembly and expression.",
        ["joint-statement"],
    ),
    (
        "against",
        "Watch lists can include people not wanted for any crime",
        "National guidance allows watch lists to include categories beyond people wanted by the courts, "
        "which widens who may be stopped after a match.",
        ["app", "joint-statement"],
    ),
]

# The Welsh version of each argument, by its English claim: (claim, explanation).
ARGUMENTS_CY = {
    "It helps catch people wanted for serious crimes": (
        "Mae'n helpu i ddal pobl sy'n cael eu ceisio am droseddau difrifol",
        "Mae'r llywodraeth yn dweud bod adnabod wynebau yn gadael i swyddogion adnabod pobl dan amheuaeth "
        "mewn munudau yn hytrach na dyddiau, gan gynnwys pobl sy'n cael eu ceisio am droseddau treisgar a "
        "rhywiol, ac y byddai dyblu'r chwiliadau yn dwyn mwy o droseddwyr o flaen eu gwell.",
    ),
    "It can find missing and vulnerable people": (
        "Gall ddod o hyd i bobl sydd ar goll ac sy'n agored i niwed",
        "Gall rhestrau gwylio gynnwys pobl sydd ar goll a phobl sydd mewn perygl. Mae'r llywodraeth yn "
        "nodi dod o hyd i bobl sydd ar goll fel un o fanteision y dechnoleg.",
    ),
    "The courts have confirmed a legal basis for its use": (
        "Mae'r llysoedd wedi cadarnhau bod sail gyfreithiol i'w ddefnyddio",
        "Yn achos Bridges, derbyniodd y Llys Apêl fod gan yr heddlu sail gyfreithiol yn y gyfraith "
        "gyffredin ac yn y gyfraith diogelu data i ddefnyddio'r dechnoleg, ac mae canllawiau cenedlaethol "
        "bellach yn nodi sut y mae'n rhaid awdurdodi pob defnydd.",
    ),
    "Images of people who do not match are deleted straight away": (
        "Mae delweddau pobl nad ydynt yn cyfateb yn cael eu dileu ar unwaith",
        "Gydag adnabod wynebau byw, mae data biometrig pobl nad ydynt ar y rhestr wylio yn cael ei ddileu "
        "yn awtomatig ac ar unwaith, yn ôl y llywodraeth a'r canllawiau cenedlaethol.",
    ),
    "Tested settings showed no significant difference between demographic groups": (
        "Ni ddangosodd y gosodiadau a brofwyd wahaniaeth arwyddocaol rhwng grwpiau demograffig",
        "Canfu'r Labordy Ffisegol Cenedlaethol nad oedd yr algorithm, ar y gosodiadau trothwy y mae'r "
        "heddlu'n eu defnyddio, yn dangos gwahaniaethau ystadegol arwyddocaol yn ei berfformiad rhwng "
        "grwpiau demograffig.",
    ),
    "Retrospective searches make investigations faster": (
        "Mae chwiliadau ôl-weithredol yn cyflymu ymchwiliadau",
        "Mae chwilio lluniau llonydd teledu cylch cyfyng yn erbyn delweddau dalfa yn disodli oriau o "
        "adolygu â llaw, gan adael i ymchwilwyr dreulio'u hamser ar drywyddau ymholi yn hytrach nag ar "
        "sgrolio drwy ffilm.",
    ),
    "It is suspicionless mass surveillance of everyone who passes a camera": (
        "Mae'n wyliadwriaeth dorfol heb amheuaeth o bawb sy'n mynd heibio i gamera",
        "Mae adnabod wynebau byw yn sganio wyneb pob person o fewn cyrraedd, nid dim ond pobl sydd dan "
        "amheuaeth o drosedd. Mae datganiad ar y cyd 65 o seneddwyr a 31 o sefydliadau yn galw am roi'r "
        "gorau i'w ddefnyddio ar gyfer gwyliadwriaeth gyhoeddus.",
    ),
    "Parliament has never voted on it": (
        "Nid yw Senedd y DU erioed wedi pleidleisio arno",
        "Nid oes cyfraith benodol sy'n awdurdodi'r heddlu i ddefnyddio adnabod wynebau. Argymhellodd "
        "adolygiad cyfreithiol annibynnol ddeddfwriaeth sylfaenol newydd a rheoleiddiwr cyn ei ddefnyddio'n "
        "ehangach.",
    ),
    "The Court of Appeal found one force's use unlawful": (
        "Dyfarnodd y Llys Apêl fod defnydd un heddlu yn anghyfreithlon",
        "Yn achos Bridges, dyfarnodd y llys fod defnydd Heddlu De Cymru yn torri hawliau preifatrwydd, y "
        "gyfraith diogelu data a dyletswydd cydraddoldeb y sector cyhoeddus, am fod gormod wedi'i adael i "
        "ddisgresiwn swyddogion.",
    ),
    "Accuracy depends on settings that forces choose": (
        "Mae cywirdeb yn dibynnu ar osodiadau y mae heddluoedd yn eu dewis",
        "Canfu'r un astudiaeth wahaniaethau rhwng grwpiau demograffig ar osodiadau trothwy is. Mae p'un a "
        "yw defnydd yn deg yn dibynnu ar ddewisiadau cyfluniad na all y cyhoedd eu gweld.",
    ),
    "It deters people from protesting and gathering": (
        "Mae'n atal pobl rhag protestio ac ymgynnull",
        "Gall gwybod bod wynebau'n cael eu sganio a'u paru annog pobl i beidio â mynd i brotestiadau neu i "
        "addoldai, gydag effeithiau ar hawliau ymgynnull a mynegiant.",
    ),
    "Watch lists can include people not wanted for any crime": (
        "Gall rhestrau gwylio gynnwys pobl nad ydynt yn cael eu ceisio am unrhyw drosedd",
        "Mae'r canllawiau cenedlaethol yn caniatáu i restrau gwylio gynnwys categorïau y tu hwnt i bobl y "
        "mae'r llysoedd yn eu ceisio, sy'n ehangu pwy y gellir eu stopio ar ôl cyfateb.",
    ),
}

STATEMENT = {
    "slug": "pause-live-facial-recognition",
    "title": "Pause live facial recognition until Parliament has voted on it",
    "kind": "open_letter",
    "stance": "against",
    "status": "open",
    "milestones": [100, 1_000, 10_000, 100_000],
    "recipient": "The Home Secretary",
    "recipient_cy": "Yr Ysgrifennydd Cartref",
    "text": (
        "To the Home Secretary,\n\n"
        "Police forces in England and Wales have been urged to expand live facial recognition, which "
        "scans the faces of everyone who passes a camera. No Act of Parliament authorises it, and the "
        "Court of Appeal has found one force's use of it unlawful.\n\n"
        "We ask you to pause the use of live facial recognition by police until Parliament has debated "
        "and voted on a law that sets out when it may be used, who may be put on a watch list, and who "
        "oversees it.\n\n"
        "A technology that can identify anyone in a crowd should rest on a decision by Parliament, not on "
        "guidance alone."
    ),
    "title_cy": "Oedi adnabod wynebau byw nes i Senedd y DU bleidleisio arno",
    "text_cy": (
        "At yr Ysgrifennydd Cartref,\n\n"
        "Mae heddluoedd yng Nghymru a Lloegr wedi cael eu hannog i ehangu adnabod wynebau byw, sy'n "
        "sganio wynebau pawb sy'n mynd heibio i gamera. Nid oes Deddf Seneddol yn ei awdurdodi, ac mae'r "
        "Llys Apêl wedi dyfarnu bod defnydd un heddlu ohono yn anghyfreithlon.\n\n"
        "Gofynnwn i chi oedi defnydd yr heddlu o adnabod wynebau byw nes bod Senedd y DU wedi trafod a "
        "phleidleisio ar gyfraith sy'n nodi pryd y caniateir ei ddefnyddio, pwy y caniateir eu rhoi ar "
        "restr wylio, a phwy sy'n ei oruchwylio.\n\n"
        "Dylai technoleg sy'n gallu adnabod unrhyw un mewn torf ddibynnu ar benderfyniad gan Senedd y DU, "
        "nid ar ganllawiau yn unig."
    ),
}

# The case for, written as carefully as the case against: continued use, with safeguards in law.
STATEMENT_FOR = {
    "slug": "keep-facial-recognition-with-safeguards",
    "title": "Keep facial recognition for policing, with safeguards set in law",
    "kind": "open_letter",
    "stance": "for",
    "status": "open",
    "milestones": [100, 1_000, 10_000, 100_000],
    "recipient": "The Home Secretary",
    "recipient_cy": "Yr Ysgrifennydd Cartref",
    "text": (
        "To the Home Secretary,\n\n"
        "Facial recognition helps police identify people wanted for serious crimes in minutes rather "
        "than days, and to find missing and vulnerable people. The Court of Appeal has accepted that "
        "police have a legal basis to use it, and national guidance sets out how it must be "
        "authorised.\n\n"
        "We support its continued use by police in England and Wales, with these safeguards:\n"
        "– every live deployment is authorised in advance by a senior officer, for a stated purpose, "
        "and signposted where it takes place;\n"
        "– watch lists hold only people wanted by the courts or the police, missing people and people at "
        "risk, and are deleted after each deployment;\n"
        "– the images of people who do not match are deleted at once and automatically;\n"
        "– a trained officer checks every alert before anyone is stopped;\n"
        "– the technology is used only at settings independently tested to perform equally across "
        "demographic groups;\n"
        "– each force publishes where and when it was used, how many alerts it gave and how many were "
        "wrong.\n\n"
        "We ask you to set these safeguards in law, so that the public can rely on them and the police "
        "can keep using a tool that protects people."
    ),
    "title_cy": "Cadw adnabod wynebau ar gyfer plismona, gyda mesurau diogelu wedi'u gosod mewn cyfraith",
    "text_cy": (
        "At yr Ysgrifennydd Cartref,\n\n"
        "Mae adnabod wynebau yn helpu'r heddlu i adnabod pobl sy'n cael eu ceisio am droseddau difrifol "
        "mewn munudau yn hytrach na dyddiau, ac i ddod o hyd i bobl sydd ar goll ac sy'n agored i niwed. "
        "Mae'r Llys Apêl wedi derbyn bod gan yr heddlu sail gyfreithiol i'w ddefnyddio, ac mae "
        "canllawiau cenedlaethol yn nodi sut y mae'n rhaid ei awdurdodi.\n\n"
        "Rydyn ni'n cefnogi defnydd parhaus yr heddlu ohono yng Nghymru a Lloegr, gyda'r mesurau "
        "diogelu hyn:\n"
        "– mae pob defnydd byw yn cael ei awdurdodi ymlaen llaw gan uwch swyddog, at ddiben a nodir, ac "
        "yn cael ei gyhoeddi ag arwyddion lle mae'n digwydd;\n"
        "– dim ond pobl sy'n cael eu ceisio gan y llysoedd neu'r heddlu, pobl sydd ar goll a phobl sydd "
        "mewn perygl sydd ar restrau gwylio, ac mae'r rhestrau'n cael eu dileu ar ôl pob defnydd;\n"
        "– mae delweddau pobl nad ydynt yn cyfateb yn cael eu dileu ar unwaith ac yn awtomatig;\n"
        "– mae swyddog hyfforddedig yn gwirio pob rhybudd cyn i neb gael ei stopio;\n"
        "– dim ond ar osodiadau sydd wedi'u profi'n annibynnol i berfformio'n gyfartal ar draws grwpiau "
        "demograffig y defnyddir y dechnoleg;\n"
        "– mae pob heddlu yn cyhoeddi ble a phryd y'i defnyddiwyd, faint o rybuddion a roddodd a faint "
        "oedd yn anghywir.\n\n"
        "Gofynnwn i chi osod y mesurau diogelu hyn mewn cyfraith, er mwyn i'r cyhoedd allu dibynnu "
        "arnynt ac i'r heddlu allu parhau i ddefnyddio offeryn sy'n diogelu pobl."
    ),
}

# A draft update to the signers of the statement against, in both languages, for moderators to try
# the sending in the admin. The demo never sends it.
UPDATE = {
    "subject": "The letter goes to the Home Secretary next month",
    "body": (
        "Thank you for signing.\n\n"
        "We will deliver the letter, with the number of people who have signed it, to the Home "
        "Secretary next month, and publish any reply on the statement's page.\n\n"
        "(This is a demonstration: the people who sign here are invented.)"
    ),
    "subject_cy": "Bydd y llythyr yn mynd at yr Ysgrifennydd Cartref y mis nesaf",
    "body_cy": (
        "Diolch am lofnodi.\n\n"
        "Byddwn yn cyflwyno'r llythyr, gyda nifer y bobl sydd wedi'i lofnodi, i'r Ysgrifennydd Cartref y "
        "mis nesaf, ac yn cyhoeddi unrhyw ateb ar dudalen y datganiad.\n\n"
        "(Arddangosiad yw hwn: mae'r bobl sy'n llofnodi yma wedi'u dyfeisio.)"
    ),
}

# Both sides' statements, against first as before; each is signed by its own invented people.
STATEMENTS = [STATEMENT, STATEMENT_FOR]

# What reaching each milestone of either statement leads to: (signatures, English, Welsh).
MILESTONE_MEANINGS = [
    (
        1_000,
        "The letter is sent to the Home Secretary with its signatures.",
        "Anfonir y llythyr at yr Ysgrifennydd Cartref gyda'i lofnodion.",
    ),
    (
        10_000,
        "The Home Office is asked for a written response, published here and emailed to signers.",
        "Gofynnir i'r Swyddfa Gartref am ymateb ysgrifenedig, a gyhoeddir yma ac a anfonir at lofnodwyr.",
    ),
    (
        100_000,
        "Members of Parliament are asked to seek a debate on it.",
        "Gofynnir i Aelodau Seneddol geisio dadl arno.",
    ),
]

# An event the statement against bears on, from the public record (Hansard), recorded as a
# moderator would record it; it links the argument it bears on by its claim.
EVENT = {
    "kind": "event",
    "date": datetime.date(2024, 11, 13),
    "summary": "MPs debate police use of live facial recognition in Westminster Hall.",
    "summary_cy": "ASau yn trafod defnydd yr heddlu o adnabod wynebau byw yn Neuadd San Steffan.",
    "text": (
        "Sir John Whittingdale MP moved the motion “That this House has considered police use of live "
        "facial recognition technology.” A Westminster Hall debate ends without a vote."
    ),
    "text_cy": (
        "Cynigiodd Syr John Whittingdale AS y cynnig “That this House has considered police use of live "
        "facial recognition technology.” Mae dadl yn Neuadd San Steffan yn dod i ben heb bleidlais."
    ),
    "source_url": (
        "https://hansard.parliament.uk/search/Debates?startDate=2024-11-13&endDate=2024-11-13"
        "&searchTerm=facial%20recognition"
    ),
    "argument": "Parliament has never voted on it",
}

DEMO_ORGANISATIONS = [
    (
        "Example Rights Network (fictional)",
        "https://example.org/rights-network",
        "An invented civil liberties group, used to show how organisations appear on this site.",
    ),
    (
        "Sample Community Trust (fictional)",
        "https://example.org/community-trust",
        "An invented community charity, used to show how organisations appear on this site.",
    ),
]

DEMO_NOTABLE = [("Alex Example", "Councillor, Exampleton Borough Council (fictional)")]

# The statement for is signed by invented people too: a holder of a public role and individuals.
DEMO_NOTABLE_FOR = [("Sam Sample", "Member, Exampleshire Police and Crime Panel (fictional)")]
# How many of the invented individuals (FIRST_NAMES x LAST_NAMES) sign it.
INDIVIDUALS_FOR = 17

# The postcodes invented signers give, in turn (blank: no postcode given), so that "By nation"
# has something to show: the areas are real, the rest of each postcode is made up.
DEMO_POSTCODES = [
    "CF10 9ZZ",
    "SA1 9ZZ",
    "",
    "LL57 9ZZ",
    "B1 9ZZ",
    "EH1 9ZZ",
    "NP20 9ZZ",
    "",
    "M1 9ZZ",
    "BT1 9ZZ",
]

FIRST_NAMES = ["Ada", "Bryn", "Cerys", "Dev", "Efa", "Femi", "Gwen", "Hari", "Ifor", "Jo"]
LAST_NAMES = ["Sample", "Tester", "Placeholder", "Demo"]

# Invented readers (example.org addresses, unusable passwords) who record where they stand and
# endorse arguments, so that "most endorsed", "most convincing to the other side" and "newest" each
# put a different argument first. Each: (stance, positions in ARGUMENTS of the arguments endorsed).
DEMO_READERS = [
    ("for", [0, 5]),
    ("for", [0, 7]),
    ("for", [0, 3, 7]),
    ("against", [6, 8, 1]),
    ("against", [6, 10, 8]),
    ("against", [6, 11]),
    ("undecided", [2, 7, 9]),
    ("undecided", [1, 9, 4]),
    ("against", [6, 8]),
]
