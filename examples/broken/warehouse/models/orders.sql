select
    o.order_id,
    c.name as customer_name
from {{ ref('stg_order') }} as o
join {{ source('shop', 'custmers') }} as c on c.id = o.customer_id
