"""The default clauses of each kind of agreement, which staff then edit.
Chinese text with its English counterpart for bilingual agreements."""
from .models import AgreementKind

K = AgreementKind

_COMMON_END = [
    ("保密", "各方对在合作过程中知悉的其他方商业秘密及未公开信息负有保密义务，未经对方书面同意不得向第三方披露。本条在协议终止后继续有效。",
     "Confidentiality", "Each party shall keep confidential the trade secrets and non-public information of the "
     "other parties learned in the course of the cooperation and shall not disclose them to any third party "
     "without written consent. This clause survives the termination of this agreement."),
    ("协议期限", "本协议自各方签字盖章之日起生效，有效期见本协议约定的期限；期满前经各方协商一致可以续签。",
     "Term", "This agreement takes effect on the date it is signed and sealed by all parties and remains in force "
     "for the term stated herein; it may be renewed by mutual agreement before it expires."),
    ("违约责任", "任何一方违反本协议约定，应承担相应的违约责任，并赔偿由此给其他方造成的损失。",
     "Liability", "A party in breach of this agreement shall be liable for the breach and shall compensate the "
     "other parties for the losses caused."),
    ("争议解决", "因本协议引起的或与本协议有关的争议，各方应友好协商解决；协商不成的，提交协议签订地有管辖权的人民法院诉讼解决。",
     "Disputes", "Disputes arising from or in connection with this agreement shall be settled through friendly "
     "consultation; failing that, they shall be submitted to the competent people's court at the place where "
     "this agreement is signed."),
    ("其他", "本协议未尽事宜，由各方另行协商并签订补充协议，补充协议与本协议具有同等法律效力。本协议一式多份，各方各执一份，具有同等法律效力。",
     "Miscellaneous", "Matters not covered by this agreement shall be settled by supplementary agreements, which "
     "have the same legal effect as this agreement. This agreement is made in counterparts, one for each party, "
     "all equally authentic."),
]

_PURPOSE = {
    K.strategic_cooperation: ("合作目的", "为落实新能源汽车动力蓄电池回收利用产业发展要求，发挥各方优势，实现资源共享、优势互补、互利共赢，各方同意建立长期战略合作关系。",
                              "Purpose", "To promote the recycling of new-energy-vehicle power batteries, the "
                              "parties agree to a long-term strategic partnership that shares resources and "
                              "combines their strengths for mutual benefit."),
    K.business_cooperation: ("合作目的", "各方在平等自愿、诚实信用的基础上，就相关业务开展合作。",
                             "Purpose", "The parties cooperate on the business described below on the basis of "
                             "equality, free will, honesty and good faith."),
    K.investment: ("投资事项", "投资方拟按本协议约定的金额和方式进行投资，被投资方应按约定使用投资款项。",
                   "Investment", "The investor intends to invest the amount stated in this agreement in the "
                   "manner agreed; the recipient shall use the funds as agreed."),
    K.procurement: ("采购标的", "采购方向供应方采购本协议约定的产品或服务，具体规格、数量与交付安排以各方确认的订单为准。",
                    "Subject", "The purchaser buys the products or services described in this agreement from "
                    "the supplier; specifications, quantities and delivery follow the orders confirmed by the "
                    "parties."),
    K.research_cooperation: ("合作目的", "各方在人才培育、科研攻关、成果转化等方面开展合作，共建研究平台。",
                             "Purpose", "The parties cooperate in training talent, joint research and the "
                             "transfer of results, and build a joint research platform."),
    K.other: ("合作目的", "各方就本协议约定事项开展合作。", "Purpose",
              "The parties cooperate on the matters set out in this agreement."),
}

_CONTENT = ("合作内容", "各方将在本协议约定的领域开展合作，具体项目由各方另行签订项目协议予以明确。",
            "Scope", "The parties will cooperate in the fields set out in this agreement; individual projects "
            "will be specified in separate project agreements.")


def default_clauses(kind: AgreementKind) -> list[dict]:
    rows = [_PURPOSE[kind], _CONTENT] + _COMMON_END
    return [{"heading": h, "body": b, "heading_en": he, "body_en": be} for h, b, he, be in rows]
